/**
 * One volunteer tab of the fleet: its own browser context (so its own
 * localStorage, hence its own volunteer token) with one page on the
 * volunteer page, started by `?autostart=1`.
 *
 * Counts such as tasks done live in the page and restart from zero when it
 * reloads, so the tab folds the last value it read into a running total
 * before each reload and before it closes.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { VolunteerStatus } from '../../web/src/volunteer/status.ts';
import { installRole, type Role } from './faults.ts';
import type { ChurnAction } from './options.ts';

/** Something that went wrong in a page, as the fleet reports it. */
export interface Problem {
  tabId: number;
  /**
   * pageerror: an uncaught exception; console: a console.error; server: an
   * error frame the page received; fleet: a churn action that failed.
   */
  kind: 'pageerror' | 'console' | 'server' | 'fleet';
  text: string;
  /** The churn action the tab was going through at the time, if any. */
  duringChurn: ChurnAction | null;
  /**
   * True for what the fleet itself caused and a browser always logs: a
   * request failing with ERR_INTERNET_DISCONNECTED while the tab is offline.
   */
  expected: boolean;
}

/** What the fleet last read from a tab. */
export interface TabView {
  id: number;
  role: Role;
  state: VolunteerStatus['state'] | 'loading';
  volunteerId: string | null;
  running: number;
  /** Results sent since the tab opened, over every reload. */
  tasksDone: number;
  /** Outputs the fault hook rewrote, over every reload. */
  wrongOutputs: number;
  /** The job of the task the page started last. */
  jobName: string | null;
  churning: ChurnAction | null;
}

export interface TabSpec {
  id: number;
  role: Role;
  /** The full page address, query included. */
  pageUrl: string;
  onProblem(problem: Problem): void;
}

/** How Chromium words a request that failed because the context is offline. */
const OFFLINE_FAILURE = /net::ERR_INTERNET_DISCONNECTED/;

type PageRead = Pick<
  VolunteerStatus,
  'state' | 'volunteerId' | 'running' | 'tasksDone' | 'errors'
> & { jobName: string | null; wrongOutputs: number };

const ZERO_READ: PageRead = {
  state: 'idle',
  volunteerId: null,
  running: 0,
  tasksDone: 0,
  errors: [],
  jobName: null,
  wrongOutputs: 0,
};

export class Tab {
  readonly id: number;
  readonly role: Role;
  churning: ChurnAction | null = null;
  closed = false;
  private readonly spec: TabSpec;
  private readonly context: BrowserContext;
  /** The tab's page, for tests that look at what the volunteer sees. */
  readonly page: Page;
  private read: PageRead | null = null;
  private folded = { tasksDone: 0, wrongOutputs: 0 };
  /** Bumped at each fold, so that a read begun before a reload is dropped. */
  private generation = 0;

  private constructor(spec: TabSpec, context: BrowserContext, page: Page) {
    this.spec = spec;
    this.id = spec.id;
    this.role = spec.role;
    this.context = context;
    this.page = page;
  }

  static async open(browser: Browser, spec: TabSpec): Promise<Tab> {
    const context = await browser.newContext();
    await installRole(context, spec.role);
    const page = await context.newPage();
    const tab = new Tab(spec, context, page);
    tab.watchProblems();
    try {
      await page.goto(spec.pageUrl);
    } catch (err) {
      await context.close().catch(() => {});
      throw err;
    }
    return tab;
  }

  view(): TabView {
    const read = this.read ?? ZERO_READ;
    return {
      id: this.id,
      role: this.role,
      state: this.read ? read.state : 'loading',
      volunteerId: read.volunteerId,
      running: read.running,
      tasksDone: this.folded.tasksDone + read.tasksDone,
      wrongOutputs: this.folded.wrongOutputs + read.wrongOutputs,
      jobName: read.jobName,
      churning: this.churning,
    };
  }

  /** Reads the page's status; a page that is loading or closing reads as before. */
  async poll(): Promise<void> {
    if (this.closed) return;
    const generation = this.generation;
    const next = await this.page.evaluate(readStatus).catch(() => undefined);
    if (next === undefined || this.closed || generation !== this.generation)
      return;
    this.reportNewServerErrors(this.read?.errors ?? [], next?.errors ?? []);
    this.read = next;
  }

  async reload(): Promise<void> {
    await this.poll();
    this.fold();
    await this.page.reload();
  }

  /**
   * Cuts the tab off the network for `offlineMs`, then restores it. Frames
   * in flight are held, not dropped: the coordinator notices only if the
   * outage outlasts its ping interval, as with a real network.
   */
  async goOffline(offlineMs: number, signal: AbortSignal): Promise<void> {
    await this.context.setOffline(true);
    await sleep(offlineMs, signal);
    if (!this.closed) await this.context.setOffline(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.poll();
    this.closed = true;
    await this.context.close().catch(() => {});
  }

  private fold(): void {
    const read = this.read ?? ZERO_READ;
    this.folded.tasksDone += read.tasksDone;
    this.folded.wrongOutputs += read.wrongOutputs;
    this.read = null;
    this.generation++;
  }

  private watchProblems(): void {
    const report = (kind: Problem['kind'], text: string) =>
      this.spec.onProblem({
        tabId: this.id,
        kind,
        text,
        duringChurn: this.churning,
        expected:
          kind === 'console' &&
          this.churning === 'offline' &&
          OFFLINE_FAILURE.test(text),
      });
    this.page.on('pageerror', (err) => report('pageerror', err.message));
    this.page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      report(
        'console',
        where ? `${message.text()} (${where})` : message.text(),
      );
    });
  }

  private reportNewServerErrors(before: string[], after: string[]): void {
    for (const text of newEntries(before, after)) {
      this.spec.onProblem({
        tabId: this.id,
        kind: 'server',
        text,
        duringChurn: this.churning,
        expected: false,
      });
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Runs in the page: the parts of its status the fleet counts, or null before start. */
function readStatus(): PageRead | null {
  const w = globalThis as unknown as {
    __tabgridStatus?: VolunteerStatus;
    __tabgridFleetWrongOutputs?: number;
  };
  const s = w.__tabgridStatus;
  if (!s) return null;
  return {
    state: s.state,
    volunteerId: s.volunteerId,
    running: s.running,
    tasksDone: s.tasksDone,
    errors: [...s.errors],
    jobName: s.job ? s.job.name : null,
    wrongOutputs: w.__tabgridFleetWrongOutputs ?? 0,
  };
}

/**
 * The entries of a capped, append-only list that are new since `before`:
 * everything after the longest suffix of `before` that starts `after`.
 */
export function newEntries(before: string[], after: string[]): string[] {
  for (
    let overlap = Math.min(before.length, after.length);
    overlap > 0;
    overlap--
  ) {
    const tail = before.slice(before.length - overlap);
    if (tail.every((entry, i) => entry === after[i]))
      return after.slice(overlap);
  }
  return after;
}
