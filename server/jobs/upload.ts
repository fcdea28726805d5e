/**
 * Streamed inputs for a job created with `upload: true`: JSON Lines (one
 * input per line) or CSV (a header, then one object per row). Rows are
 * inserted in batches as they arrive, so a million inputs never sit in
 * memory at once. A broken line aborts the upload with its line number, and
 * everything the upload inserted is deleted: nothing is left half-done.
 */
import type { Readable } from 'node:stream';
import { TabgridError } from '../../shared/errors.ts';
import { utf8Length } from '../../shared/limits.ts';
import { CsvError, CsvRows } from './csv.ts';
import { checkTaskCount, type JobDeps } from './submit.ts';
import type { JobRow } from '../store/jobs.ts';
import type { TaskInsert } from '../store/tasks.ts';

export type UploadFormat = 'jsonl' | 'csv';

const BATCH = 5000;
const uploading = new Set<string>();

export async function uploadInputs(
  deps: JobDeps,
  job: JobRow,
  body: Readable,
  format: UploadFormat,
): Promise<JobRow> {
  if (job.inputsComplete || job.state === 'cancelled') {
    throw new TabgridError('CONFLICT', `job ${job.id} already has its inputs`);
  }
  if (uploading.has(job.id)) {
    throw new TabgridError(
      'CONFLICT',
      `an upload for job ${job.id} is already in progress`,
    );
  }
  uploading.add(job.id);
  const sink = new TaskSink(deps, job);
  try {
    await (format === 'csv' ? readCsv(body, sink) : readJsonLines(body, sink));
    sink.flush();
    if (sink.count === 0)
      throw new TabgridError(
        'BAD_REQUEST',
        'inputs: the upload holds no inputs',
        { field: 'inputs' },
      );
    deps.store.jobs.completeInputs(job.id, sink.count);
  } catch (err) {
    deps.store.tasks.deleteFrom(job.id, 0);
    body.resume();
    throw err;
  } finally {
    uploading.delete(job.id);
  }
  const row = deps.store.jobs.get(job.id)!;
  deps.coordinator.activate(row);
  return row;
}

class TaskSink {
  count = 0;
  bytes = 0;
  private rows: TaskInsert[] = [];
  private readonly priority: number;

  constructor(
    private readonly deps: JobDeps,
    private readonly job: JobRow,
  ) {
    this.priority = job.params.weight / job.params.estimatedTaskMs;
  }

  add(inputJson: string, line: number): void {
    const bytes = utf8Length(inputJson);
    if (bytes > this.deps.limits.maxInputBytes) {
      throw new TabgridError(
        'PAYLOAD_TOO_LARGE',
        `line ${line}: input is ${bytes} bytes; the limit is ${this.deps.limits.maxInputBytes}`,
        { field: 'inputs', line },
      );
    }
    this.rows.push({ inputJson, priority: this.priority });
    this.count++;
    if (this.rows.length >= BATCH) this.flush();
  }

  countBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.deps.limits.maxUploadBytes) {
      throw new TabgridError(
        'PAYLOAD_TOO_LARGE',
        `upload is over the ${this.deps.limits.maxUploadBytes}-byte limit`,
        { field: 'inputs' },
      );
    }
  }

  flush(): void {
    if (this.rows.length === 0) return;
    checkTaskCount(this.count, this.deps.limits, 'inputs');
    this.deps.store.tasks.insertMany(
      this.job.id,
      this.count - this.rows.length,
      this.rows,
    );
    this.rows = [];
  }
}

async function readJsonLines(body: Readable, sink: TaskSink): Promise<void> {
  let carry = '';
  let line = 0;
  const take = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    try {
      // Re-serialise so that what is stored is compact JSON whatever the spacing.
      sink.add(JSON.stringify(JSON.parse(trimmed)), line);
    } catch (err) {
      if (err instanceof TabgridError) throw err;
      throw new TabgridError(
        'BAD_INPUT_LINE',
        `line ${line}: not valid JSON: ${(err as Error).message}`,
        { field: 'inputs', line },
      );
    }
  };
  // A decoding stream keeps a character split across chunks whole.
  body.setEncoding('utf8');
  for await (const chunk of body) {
    const text = carry + (chunk as string);
    sink.countBytes(Buffer.byteLength(chunk as string));
    const lines = text.split('\n');
    carry = lines.pop()!;
    for (const l of lines) take(l);
  }
  if (carry.length > 0) take(carry);
}

async function readCsv(body: Readable, sink: TaskSink): Promise<void> {
  const csv = new CsvRows();
  try {
    body.setEncoding('utf8');
    for await (const chunk of body) {
      sink.countBytes(Buffer.byteLength(chunk as string));
      for (const row of csv.push(chunk as string))
        sink.add(JSON.stringify(row.value), row.line);
    }
    for (const row of csv.end()) sink.add(JSON.stringify(row.value), row.line);
  } catch (err) {
    if (err instanceof CsvError) {
      throw new TabgridError('BAD_INPUT_LINE', err.message, {
        field: 'inputs',
        line: err.line,
      });
    }
    throw err;
  }
}
