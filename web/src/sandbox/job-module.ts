/**
 * Job modules, imported from their source text through Blob URLs, once per
 * code hash. A Blob URL made here belongs to this worker, and the worker's
 * CSP allows scripts from `blob:` only, so job code can be imported while
 * anything it tries to import in turn cannot.
 */

export type TaskFunction = (input: unknown, ctx: unknown) => unknown;

interface JobModule {
  run: TaskFunction;
  reduce: TaskFunction | null;
}

const modules = new Map<string, Promise<JobModule>>();

/** Starts importing a module; a second call with the same hash does nothing. */
export function loadModule(hash: string, code: string): void {
  if (modules.has(hash)) return;
  const url = URL.createObjectURL(
    new Blob([code], { type: 'text/javascript' }),
  );
  const loaded = import(/* @vite-ignore */ url)
    .then((namespace: { default?: unknown; reduce?: unknown }) => {
      if (typeof namespace.default !== 'function') {
        throw new TypeError(
          `job module must export a default function, instead got ${typeof namespace.default}`,
        );
      }
      return {
        run: namespace.default as TaskFunction,
        reduce:
          typeof namespace.reduce === 'function'
            ? (namespace.reduce as TaskFunction)
            : null,
      };
    })
    .finally(() => URL.revokeObjectURL(url));
  // Failures are reported by each task that needs the module.
  loaded.catch(() => {});
  modules.set(hash, loaded);
}

/** The export a task runs; rejects if the module failed to load or lacks it. */
export async function moduleFor(
  hash: string,
  entry: 'default' | 'reduce' = 'default',
): Promise<TaskFunction> {
  const loaded = modules.get(hash);
  if (!loaded) throw new Error(`no code loaded for hash ${hash}`);
  const mod = await loaded;
  if (entry === 'default') return mod.run;
  if (!mod.reduce) throw new TypeError('job module has no reduce export');
  const reduce = mod.reduce;
  return (input, ctx) => reduce((input as { outputs?: unknown }).outputs, ctx);
}
