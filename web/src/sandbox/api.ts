/**
 * What the page and the sandbox worker say to each other. The page calls the
 * worker through comlink; the worker never calls into the page. Progress
 * travels the other way as a plain message that the page checks field by
 * field, because job code shares the worker's realm and can forge anything
 * the worker sends.
 */

/** One task as the worker needs it: the lease minus what stays on the page. */
export interface SandboxTask {
  leaseId: number;
  jobId: string;
  /** The job's code hash, as given to `load` before the first task. */
  hash: string;
  taskIndex: number;
  input: unknown;
  seed: [number, number, number, number];
  /** After this long `ctx.signal` aborts; the page terminates the worker too. */
  timeoutMs: number;
  /** `reduce` runs the module's `reduce(input.outputs, ctx)` export. */
  entry: 'default' | 'reduce';
  /** What an earlier run of this lease saved with `ctx.checkpoint`, if anything. */
  checkpointed?: unknown;
}

export type SandboxResult =
  | { output: unknown }
  | { error: { message: string; stack?: string; kind: 'thrown' } };

/** The worker's surface, exposed with comlink. */
export interface SandboxApi {
  /** Starts importing a job module from its source text; idempotent per hash. */
  load(hash: string, code: string): void;
  /** Runs one task of a loaded job and returns its output or its error. */
  run(task: SandboxTask): Promise<SandboxResult>;
}

/** Posted by the worker, outside comlink, when job code reports progress. */
export interface ProgressNotice {
  kind: 'tabgrid:progress';
  leaseId: number;
  fraction: number;
}

export const PROGRESS_KIND = 'tabgrid:progress';

/** Posted by the worker when job code calls `ctx.checkpoint(state)`; `state` is JSON text. */
export interface CheckpointNotice {
  kind: 'tabgrid:checkpoint';
  leaseId: number;
  state: string;
}

export const CHECKPOINT_KIND = 'tabgrid:checkpoint';
