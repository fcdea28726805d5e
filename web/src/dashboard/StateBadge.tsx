/** A job's state as a small coloured label. */
import type { JobState } from '../../../shared/api-types.ts';

const TEXT: Record<JobState, string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function StateBadge({
  state,
  testId,
}: {
  state: JobState;
  testId?: string;
}) {
  return (
    <span
      className={`state state-${state}`}
      data-testid={testId}
      data-state={state}
    >
      {TEXT[state]}
    </span>
  );
}
