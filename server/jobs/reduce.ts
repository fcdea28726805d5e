/**
 * The reduce stage. A job whose module exports `reduce(outputs, ctx)` does
 * not end when its last task settles: the settled outputs, in task order, are
 * cut into batches of `reduceBatchSize`, and each batch becomes a task of
 * reduce level 1, run and verified like any other (its input is
 * `{ outputs }`, and volunteers run the `reduce` export). Level 2 reduces
 * level 1's outputs, and so on until a level has a single task, whose output
 * is the job's reduced value. Tasks that settled as errors are left out.
 *
 * Reduce tasks live in the tasks table at indexes `level * REDUCE_BASE + i`,
 * above any map task or canary, so results, counts and the download of map
 * outputs keep to indexes below REDUCE_BASE.
 */
import type { Store } from '../store/store.ts';
import type { JobRow } from '../store/jobs.ts';
import type { TaskInsert } from '../store/tasks.ts';

export const REDUCE_BASE = 2 ** 40;

export const reduceLevelOf = (index: number) => Math.floor(index / REDUCE_BASE);

export type ReduceStep =
  | { kind: 'level'; level: number; tasks: number }
  | { kind: 'done'; reducedJson: string };

/** Makes the next reduce level from the outputs of the last, or says the job is reduced. */
export function nextReduceStep(
  store: Store,
  job: JobRow,
  batchSize: number,
): ReduceStep {
  const level = job.reduceLevel;
  const from = level * REDUCE_BASE;
  const to = level === 0 ? REDUCE_BASE : from + REDUCE_BASE;
  const count = store.tasks.countRange(job.id, from, to);
  if (level > 0 && count === 1) {
    const [only] = store.tasks.outputsInRange(job.id, from, to, -1, 1);
    return { kind: 'done', reducedJson: only?.output ?? 'null' };
  }
  const next = level + 1;
  const priority = job.params.weight / job.params.estimatedTaskMs;
  let batch: string[] = [];
  let made = 0;
  let rows: TaskInsert[] = [];
  const flushRows = () => {
    if (rows.length === 0) return;
    store.tasks.insertMany(
      job.id,
      next * REDUCE_BASE + made - rows.length,
      rows,
    );
    rows = [];
  };
  const cut = () => {
    rows.push({ inputJson: `{"outputs":[${batch.join(',')}]}`, priority });
    made++;
    batch = [];
    if (rows.length >= 1000) flushRows();
  };
  let after = from - 1;
  for (;;) {
    const page = store.tasks.outputsInRange(job.id, from, to, after, 2000);
    if (page.length === 0) break;
    for (const r of page) {
      if (r.output !== null) batch.push(r.output);
      if (batch.length >= batchSize) cut();
    }
    after = page[page.length - 1]!.index;
  }
  if (batch.length > 0 || made === 0) cut();
  flushRows();
  store.jobs.setReduceLevel(job.id, next);
  return { kind: 'level', level: next, tasks: made };
}
