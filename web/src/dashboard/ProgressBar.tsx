/** A job's progress: settled tasks, then failed ones, out of the total. */
import { formatPercent } from './format.ts';
import type { JobCounts } from '../../../shared/api-types.ts';

interface Props {
  counts: JobCounts;
  testId?: string;
  large?: boolean;
}

export function ProgressBar({ counts, testId, large }: Props) {
  const { total, settled, failed } = counts;
  const ended = settled + failed;
  const share = (n: number) => (total > 0 ? n / total : 0);
  return (
    <div
      className={large ? 'progress large' : 'progress'}
      role="progressbar"
      aria-label="tasks ended"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={ended}
      aria-valuetext={`${ended} of ${total} tasks ended`}
      data-testid={testId}
      title={`${formatPercent(share(ended))}: ${settled} settled, ${failed} failed of ${total}`}
    >
      <span className="bar-ok" style={{ width: `${share(settled) * 100}%` }} />
      <span className="bar-bad" style={{ width: `${share(failed) * 100}%` }} />
    </div>
  );
}
