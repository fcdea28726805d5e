/**
 * Job modules, imported from their source text through Blob URLs, once per
 * code hash. A Blob URL made here belongs to this worker, and the worker's
 * CSP allows scripts from `blob:` only, so job code can be imported while
 * anything it tries to import in turn cannot.
 */

export type TaskFunction = (input: unknown, ctx: unknown) => unknown;

const modules = new Map<string, Promise<TaskFunction>>();

/** Starts importing a module; a second call with the same hash does nothing. */
export function loadModule(hash: string, code: string): void {
  if (modules.has(hash)) return;
  const url = URL.createObjectURL(
    new Blob([code], { type: 'text/javascript' }),
  );
  const loaded = import(/* @vite-ignore */ url)
    .then((namespace: { default?: unknown }) => {
      if (typeof namespace.default !== 'function') {
        throw new TypeError(
          `job module must export a default function, instead got ${typeof namespace.default}`,
        );
      }
      return namespace.default as TaskFunction;
    })
    .finally(() => URL.revokeObjectURL(url));
  // Failures are reported by each task that needs the module.
  loaded.catch(() => {});
  modules.set(hash, loaded);
}

/** The default export of a loaded module; rejects if it failed to load. */
export function moduleFor(hash: string): Promise<TaskFunction> {
  const loaded = modules.get(hash);
  if (!loaded)
    return Promise.reject(new Error(`no code loaded for hash ${hash}`));
  return loaded;
}
