/**
 * What a fleet is asked to be, and the checks that turn a bad request into
 * an error naming the option. The CLI and the library share these.
 */

/** What a churn event does to the tab it picks. */
export type ChurnAction = 'close' | 'reload' | 'offline';

export const CHURN_ACTIONS: readonly ChurnAction[] = [
  'close',
  'reload',
  'offline',
];

export interface FleetOptions {
  /** The coordinator's origin, such as http://127.0.0.1:8080. */
  url: string;
  /** Volunteer tabs kept open; each is its own browser context. */
  tabs: number;
  /** Workers per tab (`?workers=`); default 1. */
  workers?: number;
  /**
   * Churn events per tab per minute; default 0. Events arrive at random
   * (a Poisson process) at `churn × tabs` per minute over the whole fleet,
   * each on one tab picked at random and doing one of `churnActions`.
   */
  churn?: number;
  /** What churn may do; default all of close, reload and offline. */
  churnActions?: readonly ChurnAction[];
  /** How long an `offline` event keeps its tab off the network; default 5000. */
  offlineMs?: number;
  /** Share of tabs whose outputs are random wrong values, in [0, 1]. */
  saboteurs?: number;
  /** Share of tabs that return one agreed wrong output per task, in [0, 1]. */
  colluders?: number;
  /** The Chromium to drive; default /usr/bin/chromium. */
  executablePath?: string;
  /** Seed of the fleet's own choices (roles, churn); default random. */
  seed?: number;
  /** How often each tab's status is read; default 500. */
  pollIntervalMs?: number;
}

/** FleetOptions with every default filled in and every value checked. */
export type ResolvedFleetOptions = Required<FleetOptions>;

export const DEFAULT_EXECUTABLE = '/usr/bin/chromium';

export function resolveFleetOptions(
  options: FleetOptions,
): ResolvedFleetOptions {
  const resolved: ResolvedFleetOptions = {
    url: checkUrl(options.url),
    tabs: wholeNumber('tabs', options.tabs, 1, 1000),
    workers: wholeNumber('workers', options.workers ?? 1, 1, 64),
    churn: nonNegative('churn', options.churn ?? 0),
    churnActions: checkActions(options.churnActions ?? CHURN_ACTIONS),
    offlineMs: wholeNumber('offlineMs', options.offlineMs ?? 5000, 0, 3600e3),
    saboteurs: fraction('saboteurs', options.saboteurs ?? 0),
    colluders: fraction('colluders', options.colluders ?? 0),
    executablePath: options.executablePath ?? DEFAULT_EXECUTABLE,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    pollIntervalMs: wholeNumber(
      'pollIntervalMs',
      options.pollIntervalMs ?? 500,
      10,
      60e3,
    ),
  };
  if (resolved.saboteurs + resolved.colluders > 1) {
    throw new RangeError(
      `saboteurs + colluders must be at most 1, got ` +
        `${resolved.saboteurs} + ${resolved.colluders}`,
    );
  }
  return resolved;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^/]+/.test(url)) {
    throw new TypeError(
      `url must be an http(s) origin such as http://127.0.0.1:8080, ` +
        `got ${JSON.stringify(url)}`,
    );
  }
  return url.replace(/\/+$/, '');
}

function wholeNumber(name: string, value: unknown, min: number, max: number) {
  if (!Number.isInteger(value) || (value as number) < min)
    throw new RangeError(
      `${name} must be a whole number from ${min} to ${max}, ` +
        `got ${JSON.stringify(value)}`,
    );
  if ((value as number) > max)
    throw new RangeError(`${name} must be at most ${max}, got ${value}`);
  return value as number;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(
      `${name} must be a number of 0 or more, got ${JSON.stringify(value)}`,
    );
  return value;
}

function fraction(name: string, value: unknown): number {
  const n = nonNegative(name, value);
  if (n > 1)
    throw new RangeError(`${name} must be a fraction from 0 to 1, got ${n}`);
  return n;
}

function checkActions(actions: readonly ChurnAction[]): ChurnAction[] {
  if (actions.length === 0)
    throw new RangeError('churnActions must name at least one action');
  for (const a of actions) {
    if (!CHURN_ACTIONS.includes(a))
      throw new RangeError(
        `churnActions: unknown action ${JSON.stringify(a)}; ` +
          `known are ${CHURN_ACTIONS.join(', ')}`,
      );
  }
  return [...new Set(actions)];
}
