/**
 * Faults the fleet injects through the page, never through the coordinator:
 * the volunteer page passes every output through
 * `window.__tabgridTransformOutput` when that is a function at start. An
 * init script installs it before any page script runs, on every load of the
 * tab's context, so a reloaded saboteur stays a saboteur.
 *
 * - saboteur: each output is replaced by a random wrong value, so two
 *   saboteurs practically never agree with each other or with the truth.
 * - colluder: each output is replaced by a wrong value that depends only on
 *   the task (job id and task index), so all colluders agree on it.
 *
 * Numbers stay numbers and strings stay strings, so that a comparator with a
 * tolerance still sees a plausible value; other outputs become an object.
 * Each hook counts what it rewrote in `window.__tabgridFleetWrongOutputs`.
 *
 * The scripts are plain JavaScript text: a function compiled here and
 * serialised would carry the compiler's helpers into the page.
 */
import type { BrowserContext } from 'playwright-core';

export type Role = 'honest' | 'saboteur' | 'colluder';

const COUNTER = `
  let wrongOutputs = 0;
  Object.defineProperty(window, '__tabgridFleetWrongOutputs', {
    get: () => wrongOutputs,
  });`;

const SABOTEUR_SCRIPT = `(() => {${COUNTER}
  window.__tabgridTransformOutput = (output) => {
    wrongOutputs++;
    const noise = 1 + Math.floor(Math.random() * 1e9);
    if (typeof output === 'number') return output + noise;
    if (typeof output === 'string') return output + '#sabotaged' + noise;
    return { sabotaged: noise };
  };
})();`;

const COLLUDER_SCRIPT = `(() => {${COUNTER}
  window.__tabgridTransformOutput = (output, lease) => {
    wrongOutputs++;
    // FNV-1a of the task's identity: the same on every colluding tab.
    const key = lease.jobId + '#' + lease.taskIndex;
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      hash ^= key.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    if (typeof output === 'number') return output + 1 + (hash % 1000);
    if (typeof output === 'string') return output + '#colluded' + hash;
    return { colluded: hash };
  };
})();`;

/** Installs the role's hook in every page the context opens from now on. */
export async function installRole(
  context: BrowserContext,
  role: Role,
): Promise<void> {
  if (role === 'saboteur') await context.addInitScript(SABOTEUR_SCRIPT);
  if (role === 'colluder') await context.addInitScript(COLLUDER_SCRIPT);
}

/**
 * Roles for `tabs` tabs: round(share × tabs) of each faulty kind, placed at
 * random positions so that they do not all open first.
 */
export function assignRoles(
  tabs: number,
  shares: { saboteurs: number; colluders: number },
  random: () => number,
): Role[] {
  const saboteurs = Math.round(shares.saboteurs * tabs);
  const colluders = Math.min(
    tabs - saboteurs,
    Math.round(shares.colluders * tabs),
  );
  const roles: Role[] = Array.from({ length: tabs }, (_, i) =>
    i < saboteurs
      ? 'saboteur'
      : i < saboteurs + colluders
        ? 'colluder'
        : 'honest',
  );
  for (let i = roles.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [roles[i], roles[j]] = [roles[j]!, roles[i]!];
  }
  return roles;
}
