/**
 * What the scheduler's unit tests share: an in-memory task source ordered as
 * the store orders pending tasks, a job's defaults, a result, and a
 * scheduler on a test clock.
 */
import { Scheduler } from './scheduler.ts';
import type {
  JobInfo,
  ResultRecord,
  TaskCursor,
  TaskRecord,
  TaskSource,
} from './types.ts';

/** An in-memory TaskSource with the store's ordering: priority desc, index asc. */
export class MemorySource implements TaskSource {
  readonly tasks: TaskRecord[] = [];
  add(jobId: string, priorities: number[]): void {
    priorities.forEach((priority, index) =>
      this.tasks.push({
        jobId,
        index,
        inputJson: String(index),
        priority,
        results: [],
      }),
    );
  }
  loadPending(
    jobId: string,
    after: TaskCursor | null,
    limit: number,
  ): TaskRecord[] {
    return this.tasks
      .filter((t) => t.jobId === jobId)
      .sort((a, b) => b.priority - a.priority || a.index - b.index)
      .filter(
        (t) =>
          !after ||
          t.priority < after.priority ||
          (t.priority === after.priority && t.index > after.index),
      )
      .slice(0, limit);
  }
}

export function job(id: string, over: Partial<JobInfo> = {}): JobInfo {
  return {
    id,
    owner: 'k1',
    redundancy: 1,
    quorum: 1,
    maxReplicas: 3,
    compare: 'exact',
    timeoutMs: 1000,
    createdAt: 0,
    verification: 'quorum',
    targetErrorRate: 0.01,
    spotCheckRate: 0,
    ...over,
  };
}

export function output(
  value: unknown,
): Omit<ResultRecord, 'replicaId' | 'volunteerId'> {
  const canonical = JSON.stringify(value);
  return {
    kind: 'output',
    canonical,
    hash: canonical,
    elapsedMs: 1,
    detail: null,
  };
}

export function setup(
  options: {
    now?: () => number;
    prefetch?: number;
    checkRate?: number;
    random?: () => number;
    pageSize?: number;
  } = {},
) {
  const source = new MemorySource();
  const scheduler = new Scheduler({
    source,
    clock: options.now ?? (() => 0),
    prefetch: options.prefetch ?? 1,
    checkRate: () => options.checkRate ?? 0,
    ...(options.random ? { random: options.random } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  return { source, scheduler };
}

/** Pending in the store's sense: no task the scheduler has settled or failed. */
export function trackEnds(source: MemorySource, scheduler: Scheduler): void {
  const ended = (jobId: string, index: number) => {
    const i = source.tasks.findIndex(
      (t) => t.jobId === jobId && t.index === index,
    );
    if (i >= 0) source.tasks.splice(i, 1);
  };
  scheduler.on('task:settled', (e) => ended(e.jobId, e.index));
  scheduler.on('task:failed', (e) => ended(e.jobId, e.index));
}
