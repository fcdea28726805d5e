/**
 * Job modules that each try one way out of the sandbox to the network. Each
 * waits until its attempt is over, by its promise or its load and error
 * events, and returns 'reached' or 'blocked: …'; by then any request it made
 * has reached the server, so the test can count requests straight after.
 */

/** A job that tries one way out and returns 'reached' or 'blocked: …'. */
function attempt(body: string): string {
  return `export default async () => {
    try { return await (async () => { ${body} })(); }
    catch (e) { return 'blocked: ' + e.name + ': ' + e.message; }
  };`;
}

/** Waits for an object's load or error events: the attempt is over either way. */
function viaEvents(create: string, success: string, failure: string): string {
  return `return await new Promise((resolve) => {
    const target = ${create};
    target.${success} = () => resolve('reached');
    target.${failure} = () => resolve('blocked: ${failure} event');
  });`;
}

export function networkAttempts(
  origin: string,
  port: number,
): Record<string, string> {
  const probe = `${origin}/probe`;
  return {
    fetch: attempt(`await fetch('${probe}/fetch'); return 'reached';`),
    XMLHttpRequest: attempt(
      viaEvents(
        `(() => { const x = new XMLHttpRequest(); ` +
          `x.open('GET', '${probe}/xhr'); x.send(); return x; })()`,
        'onload',
        'onerror',
      ),
    ),
    EventSource: attempt(
      viaEvents(
        `new EventSource('${probe}/event-source')`,
        'onopen',
        'onerror',
      ),
    ),
    WebSocket: attempt(
      viaEvents(
        `new WebSocket('ws://127.0.0.1:${port}/probe/ws')`,
        'onopen',
        'onerror',
      ),
    ),
    'import() of an absolute URL on the coordinator': attempt(
      `await import('${probe}/import-absolute.js'); return 'reached';`,
    ),
    "import() of a root-relative path such as '/…'": attempt(
      `await import('/probe/import-root.js'); return 'reached';`,
    ),
    "import() resolved against the worker's own location": attempt(
      "await import(new URL('/probe/import-location.js', self.location.href).href); " +
        "return 'reached';",
    ),
    'import() from another origin': attempt(
      `await import('http://localhost:${port}/probe/import-cross-origin.js'); return 'reached';`,
    ),
  };
}
