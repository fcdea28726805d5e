/**
 * The sandbox: a module worker that runs job code, one task at a time. The
 * page drives it through comlink (`SandboxApi`). This file is bundled with
 * everything it imports into one script under `/sandbox/`, served with a CSP
 * that lets it load nothing but `blob:` URLs.
 *
 * The page gives each worker the code of one job only, so that code from one
 * job never shares a realm with the tasks of another.
 */
import { expose } from 'comlink';
import { seededRandom } from '../../../shared/random.ts';
import {
  CHECKPOINT_KIND,
  PROGRESS_KIND,
  type CheckpointNotice,
  type ProgressNotice,
  type SandboxApi,
  type SandboxResult,
  type SandboxTask,
} from './api.ts';
import { loadModule, moduleFor } from './job-module.ts';
import { lockDown } from './lockdown.ts';

/** The parts of the dedicated worker scope used here (DOM types are in scope, not WebWorker's). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/** Job code calling `ctx.progress` in a tight loop must not flood the page. */
const PROGRESS_INTERVAL_MS = 200;

const scope = globalThis as unknown as WorkerScope;
const post = scope.postMessage.bind(scope);

function progressReporter(leaseId: number): (fraction: unknown) => void {
  let lastAtMs = -Infinity;
  return (fraction) => {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return;
    const nowMs = performance.now();
    if (nowMs - lastAtMs < PROGRESS_INTERVAL_MS) return;
    lastAtMs = nowMs;
    const notice: ProgressNotice = {
      kind: PROGRESS_KIND,
      leaseId,
      fraction: Math.min(1, Math.max(0, fraction)),
    };
    post(notice);
  };
}

/** `ctx.checkpoint(state)`: the state goes to the page as JSON, at most every 200 ms. */
function checkpointer(leaseId: number): (state: unknown) => void {
  let lastAtMs = -Infinity;
  return (state) => {
    const nowMs = performance.now();
    if (nowMs - lastAtMs < PROGRESS_INTERVAL_MS) return;
    lastAtMs = nowMs;
    let text: string | undefined;
    try {
      text = JSON.stringify(state);
    } catch {
      return;
    }
    if (text === undefined) return;
    const notice: CheckpointNotice = {
      kind: CHECKPOINT_KIND,
      leaseId,
      state: text,
    };
    post(notice);
  };
}

/**
 * Outputs travel as JSON, so the output is made JSON here, where the author
 * can see why it fails.
 */
function toJson(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new TypeError(
      `task output is not JSON-serialisable: ${(err as Error).message}`,
    );
  }
  return text === undefined ? null : JSON.parse(text);
}

function describe(err: unknown): SandboxResult {
  if (err instanceof Error) {
    const stack = typeof err.stack === 'string' ? err.stack : undefined;
    return {
      error: {
        message: String(err.message),
        kind: 'thrown',
        ...(stack ? { stack } : {}),
      },
    };
  }
  let message: string;
  try {
    message = `non-Error thrown: ${String(err)}`;
  } catch {
    message = 'non-Error thrown';
  }
  return { error: { message, kind: 'thrown' } };
}

async function run(task: SandboxTask): Promise<SandboxResult> {
  const controller = new AbortController();
  const deadline = setTimeout(
    () =>
      controller.abort(
        new DOMException(
          `deadline of ${task.timeoutMs} ms passed`,
          'TimeoutError',
        ),
      ),
    task.timeoutMs,
  );
  try {
    const taskFunction = await moduleFor(task.hash, task.entry);
    const ctx = Object.freeze({
      jobId: task.jobId,
      taskIndex: task.taskIndex,
      random: seededRandom(task.seed),
      progress: progressReporter(task.leaseId),
      checkpoint: checkpointer(task.leaseId),
      /** The state saved by an earlier run of this lease (a reloaded tab), or undefined. */
      checkpointed: task.checkpointed,
      signal: controller.signal,
    });
    return { output: toJson(await taskFunction(task.input, ctx)) };
  } catch (err) {
    return describe(err);
  } finally {
    clearTimeout(deadline);
    // Tells any work the task left running that its result no longer matters.
    if (!controller.signal.aborted)
      controller.abort(new DOMException('task finished', 'AbortError'));
  }
}

// Stray errors from job code's own timers are the job's business, not the volunteer's console's.
scope.addEventListener('error', (event) => event.preventDefault());
scope.addEventListener('unhandledrejection', (event) => event.preventDefault());

lockDown(globalThis);

const api: SandboxApi = { load: loadModule, run };
expose(api);
