/**
 * The two frames on the hot path, kept apart from the session's state:
 * a volunteer's result made into what the verifier compares (canonical JSON
 * and its hash, an over-size output turned into an error), and the `assign`
 * frame built as text around each lease's stored input, which is sent as it
 * is, never parsed and serialised again.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical.ts';
import { utf8Length } from '../../shared/limits.ts';
import { taskSeed } from '../../shared/random.ts';
import type { ResultItem } from '../../shared/protocol.ts';
import { REDUCE_BASE } from '../jobs/reduce.ts';
import type { ResultInput } from '../scheduler/scheduler.ts';
import type { LeaseRecord } from '../scheduler/types.ts';

export interface NormalisedResult {
  result: ResultInput;
  /** The output was over the limit and now counts as an error result. */
  tooLargeBytes?: number;
}

export function normaliseResult(
  message: ResultItem,
  maxResultBytes: number,
): NormalisedResult {
  let kind: 'output' | 'error' = message.error ? 'error' : 'output';
  let canonical: string;
  let detail: string | null = null;
  let tooLargeBytes: number | undefined;
  if (kind === 'output') {
    canonical = canonicalJson(message.output);
    const bytes = utf8Length(canonical);
    if (bytes > maxResultBytes) {
      tooLargeBytes = bytes;
      kind = 'error';
      const error = {
        message: `result is over the ${maxResultBytes}-byte limit`,
        kind: 'thrown',
      };
      detail = JSON.stringify(error);
      canonical = JSON.stringify({ message: error.message });
    }
  } else {
    detail = JSON.stringify(message.error);
    // Errors are compared by message alone: stacks differ between engines.
    canonical = JSON.stringify({ message: message.error!.message });
  }
  const hash = createHash('sha256')
    .update(canonical)
    .digest('hex')
    .slice(0, 32);
  const result = {
    kind,
    canonical,
    hash,
    elapsedMs: message.elapsedMs,
    detail,
  };
  return tooLargeBytes === undefined ? { result } : { result, tooLargeBytes };
}

/** The `assign` frame for these leases, as JSON text. */
export function assignFrame(leases: readonly LeaseRecord[]): string {
  const parts = leases.map((lease) => {
    const seed = JSON.stringify(taskSeed(lease.jobId, lease.taskIndex));
    const entry = lease.taskIndex >= REDUCE_BASE ? ',"entry":"reduce"' : '';
    return (
      `{"leaseId":${lease.id},"jobId":${JSON.stringify(lease.jobId)},` +
      `"taskIndex":${lease.taskIndex},"input":${lease.inputJson},"seed":${seed},` +
      `"timeoutMs":${lease.timeoutMs}${entry}}`
    );
  });
  return `{"type":"assign","leases":[${parts.join(',')}]}`;
}
