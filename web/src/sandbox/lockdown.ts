/**
 * Removes from the worker's global scope every way out that job code could
 * use: network APIs, nested workers, and storage shared with the page's
 * origin. The worker script's Content-Security-Policy (`default-src 'none'`)
 * is the real wall against the network; this is defence in depth, and it also
 * covers what CSP does not govern, such as IndexedDB and BroadcastChannel.
 *
 * Runs once, before any job code is imported. Nothing removed here can be
 * recovered: a worker has no other realm to borrow a fresh global from.
 */

/** Globals that reach the network, another context, or origin storage. */
const GLOBALS = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'WebTransport',
  'importScripts',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'FontFace',
  'fonts',
  'caches',
  'indexedDB',
  'cookieStore',
  'close',
] as const;

/** Navigator members with the same reach. */
const NAVIGATOR = ['sendBeacon', 'serviceWorker', 'storage', 'locks'] as const;

/** Deletes `name` along the prototype chain; pins it to undefined if that fails. */
function remove(target: object, name: string): void {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor?.configurable) Reflect.deleteProperty(o, name);
  }
  if (!(name in target)) return;
  try {
    Object.defineProperty(target, name, {
      value: undefined,
      writable: false,
      configurable: false,
    });
  } catch {
    // An own, non-configurable member stays; the CSP still blocks its use.
  }
}

export function lockDown(scope: typeof globalThis): void {
  for (const name of GLOBALS) remove(scope, name);
  const navigator = (scope as { navigator?: object }).navigator;
  if (navigator) for (const name of NAVIGATOR) remove(navigator, name);
}
