/**
 * A fleet of volunteer tabs in one Chromium: one browser, one context per
 * tab, so each tab is a separate volunteer with its own localStorage and
 * token. The fleet keeps `tabs` of them open (a closed tab is replaced by a
 * fresh volunteer of the same role), reads their status every
 * `pollIntervalMs`, and runs churn if asked.
 *
 * Counts are the fleet's view of the pages, read by polling: a task done in
 * the last moment before a tab closes may be missed, never counted twice.
 */
import type { Browser, Page } from 'playwright-core';
import { seededRandom } from '../../shared/random.ts';
import { launchChromium } from './browser.ts';
import { Churn, type ChurnCounts } from './churn.ts';
import { assignRoles, type Role } from './faults.ts';
import {
  resolveFleetOptions,
  type ChurnAction,
  type FleetOptions,
  type ResolvedFleetOptions,
} from './options.ts';
import { sleep, Tab, type Problem, type TabView } from './tab.ts';

export interface FleetStats {
  /** Tabs the fleet keeps open. */
  tabs: number;
  /** Tabs open now (a closed tab is missing until its replacement opens). */
  alive: number;
  /** Tabs whose page reports a live connection to the coordinator. */
  connected: number;
  /** Tasks running now, over all tabs. */
  running: number;
  /** Results sent, over every tab the fleet ever opened. */
  tasksDone: number;
  churned: ChurnCounts;
  /** Saboteur and colluder tabs the fleet keeps (replacements keep the role). */
  saboteurs: number;
  colluders: number;
  /** Outputs rewritten by saboteurs and colluders, in all. */
  wrongOutputs: number;
  /** Problems seen so far, less those the fleet caused on purpose; `fleet.problems()` lists all. */
  problems: number;
}

/** Opening many pages at once only makes each of them slower. */
const OPEN_CONCURRENCY = 4;
const WAIT_STEP_MS = 100;

export async function launchFleet(options: FleetOptions): Promise<Fleet> {
  const resolved = resolveFleetOptions(options);
  const browser = await launchChromium(resolved.executablePath);
  const fleet = new Fleet(browser, resolved);
  try {
    await fleet.openInitialTabs();
  } catch (err) {
    await fleet.close();
    throw err;
  }
  fleet.startRunning();
  return fleet;
}

export class Fleet {
  readonly options: ResolvedFleetOptions;
  private readonly browser: Browser;
  private readonly random: () => number;
  private readonly open = new Map<number, Tab>();
  private readonly problemList: Problem[] = [];
  private readonly retired = { tasksDone: 0, wrongOutputs: 0 };
  private readonly churn: Churn;
  private readonly stopping = new AbortController();
  /** The role of each tab the fleet keeps open. */
  private roles: Role[] = [];
  private nextId = 0;
  private poller: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  /** Use launchFleet. */
  constructor(browser: Browser, options: ResolvedFleetOptions) {
    this.browser = browser;
    this.options = options;
    const seed = options.seed >>> 0;
    this.random = seededRandom([seed, seed ^ 0x9e3779b9, 0x6a09e667, 7]);
    this.churn = new Churn(options.churn, options.churnActions, this.random, {
      tabCount: () => this.roles.length,
      perform: (action) => this.churnOnce(action),
      onError: (action, err) =>
        this.addProblem({
          tabId: -1,
          kind: 'fleet',
          text: `churn ${action} failed: ${String(err)}`,
          duringChurn: action,
          expected: false,
        }),
    });
  }

  stats(): FleetStats {
    const views = this.tabs();
    const sum = (f: (v: TabView) => number) =>
      views.reduce((total, v) => total + f(v), 0);
    const count = (role: Role) => this.roles.filter((r) => r === role).length;
    return {
      tabs: this.roles.length,
      alive: views.length,
      connected: views.filter((v) => v.state === 'connected').length,
      running: sum((v) => v.running),
      tasksDone: this.retired.tasksDone + sum((v) => v.tasksDone),
      churned: { ...this.churn.counts },
      saboteurs: count('saboteur'),
      colluders: count('colluder'),
      wrongOutputs: this.retired.wrongOutputs + sum((v) => v.wrongOutputs),
      problems: this.problemList.filter((p) => !p.expected).length,
    };
  }

  /** Each open tab as last read. */
  tabs(): TabView[] {
    return [...this.open.values()].map((t) => t.view());
  }

  /** The page of an open tab, for tests that look at what a volunteer sees. */
  page(id: number): Page {
    return this.tabById(id).page;
  }

  /** Page errors, console errors and server errors seen in any tab. */
  problems(): Problem[] {
    return [...this.problemList];
  }

  /** Reads every tab's status now, rather than at the next poll. */
  refresh(): Promise<void> {
    return this.pollAll();
  }

  /** Resolves once `count` tabs are connected with a volunteer id. */
  async waitForTabs(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.pollAll();
      const ready = this.tabs().filter(
        (v) => v.state === 'connected' && v.volunteerId !== null,
      ).length;
      if (ready >= count) return;
      if (this.closing) throw new Error('fleet closed while waiting for tabs');
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${count} connected ` +
            `tabs; ${ready} of ${this.open.size} are`,
        );
      await sleep(WAIT_STEP_MS);
    }
  }

  /**
   * Closes a tab. Unless told otherwise, a fresh volunteer of the same role
   * replaces it; otherwise the fleet keeps one tab fewer from now on.
   */
  async closeTab(id: number, replace = true): Promise<void> {
    const tab = this.tabById(id);
    tab.churning = 'close';
    if (!replace) this.roles.splice(this.roles.indexOf(tab.role), 1);
    await tab.close();
    this.open.delete(id);
    this.retire(tab);
    if (replace && !this.closing) await this.openTab(tab.role);
  }

  /** Reloads a tab's page: the same volunteer comes back. */
  async reloadTab(id: number): Promise<void> {
    await this.during('reload', this.tabById(id), (tab) => tab.reload());
  }

  /** Takes a tab off the network for `offlineMs` (default: the fleet's). */
  async takeOffline(id: number, offlineMs = this.options.offlineMs) {
    await this.during('offline', this.tabById(id), (tab) =>
      tab.goOffline(offlineMs, this.stopping.signal),
    );
  }

  /** Stops churn and polling and closes the browser; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  // ---- inside ----

  /** Called once by launchFleet. */
  async openInitialTabs(): Promise<void> {
    const roles = assignRoles(this.options.tabs, this.options, this.random);
    this.roles = roles;
    for (let i = 0; i < roles.length; i += OPEN_CONCURRENCY) {
      const batch = roles.slice(i, i + OPEN_CONCURRENCY);
      await Promise.all(batch.map((role) => this.openTab(role)));
    }
  }

  /** Called once by launchFleet, after the tabs are open. */
  startRunning(): void {
    this.poller = this.pollForever();
    this.churn.start();
  }

  private async openTab(role: Role): Promise<void> {
    const { url, workers } = this.options;
    const tab = await Tab.open(this.browser, {
      id: this.nextId++,
      role,
      pageUrl: `${url}/?autostart=1&workers=${workers}`,
      onProblem: (problem) => this.addProblem(problem),
    });
    if (this.closing) await tab.close();
    else this.open.set(tab.id, tab);
  }

  private async churnOnce(action: ChurnAction): Promise<boolean> {
    const free = [...this.open.values()].filter((t) => !t.churning);
    if (free.length === 0 || this.closing) return false;
    const tab = free[Math.floor(this.random() * free.length)]!;
    if (action === 'close') await this.closeTab(tab.id);
    if (action === 'reload') await this.reloadTab(tab.id);
    if (action === 'offline') await this.takeOffline(tab.id);
    return true;
  }

  private async during(
    action: ChurnAction,
    tab: Tab,
    run: (tab: Tab) => Promise<void>,
  ): Promise<void> {
    tab.churning = action;
    try {
      await run(tab);
    } finally {
      tab.churning = null;
    }
  }

  /** Keeps a tab's counts once it is gone. */
  private retire(tab: Tab): void {
    const view = tab.view();
    this.retired.tasksDone += view.tasksDone;
    this.retired.wrongOutputs += view.wrongOutputs;
  }

  private tabById(id: number): Tab {
    const tab = this.open.get(id);
    if (!tab)
      throw new Error(
        `no open tab ${id}; open tabs are ${[...this.open.keys()].join(', ')}`,
      );
    return tab;
  }

  private addProblem(problem: Problem): void {
    this.problemList.push(problem);
  }

  private async pollAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((t) => t.poll()));
  }

  private async pollForever(): Promise<void> {
    while (!this.closing) {
      await this.pollAll();
      await sleep(this.options.pollIntervalMs, this.stopping.signal);
    }
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    await this.churn.stop();
    await this.poller;
    await this.pollAll();
    for (const tab of this.open.values()) this.retire(tab);
    this.open.clear();
    await this.browser.close();
  }
}
