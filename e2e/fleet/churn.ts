/**
 * Churn: tabs closed, reloaded or taken offline at random while the fleet
 * runs, as real volunteers come and go.
 *
 * The rate is per tab: `--churn 2` means each tab suffers on average two
 * events a minute, so the whole fleet sees `2 × tabs` a minute and the share
 * of disturbed tabs does not depend on the fleet's size. Events form a
 * Poisson process (exponential gaps), each picking one tab that is not
 * already in the middle of an event, and one action with equal odds. Actions
 * run concurrently with later events; when every tab is busy, the event is
 * skipped and counted as such.
 */
import type { ChurnAction } from './options.ts';

export interface ChurnCounts {
  closed: number;
  reloaded: number;
  offline: number;
  /** Events that found no tab free to disturb. */
  skipped: number;
}

export interface ChurnHooks {
  /** Tabs the fleet keeps open. */
  tabCount(): number;
  /** Carries out an action on a tab it picks; false when none was free. */
  perform(action: ChurnAction): Promise<boolean>;
  onError(action: ChurnAction, err: unknown): void;
}

const COUNTED: Record<ChurnAction, keyof ChurnCounts> = {
  close: 'closed',
  reload: 'reloaded',
  offline: 'offline',
};

export class Churn {
  readonly counts: ChurnCounts = {
    closed: 0,
    reloaded: 0,
    offline: 0,
    skipped: 0,
  };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly eventsPerTabPerMinute: number,
    private readonly actions: readonly ChurnAction[],
    private readonly random: () => number,
    private readonly hooks: ChurnHooks,
  ) {}

  start(): void {
    if (this.eventsPerTabPerMinute > 0) this.scheduleNext();
  }

  /** Stops new events and waits for those under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
  }

  /** Milliseconds to the next event: exponential with the fleet's rate. */
  private nextGapMs(): number {
    const perMs = (this.eventsPerTabPerMinute * this.hooks.tabCount()) / 60e3;
    return -Math.log(1 - this.random()) / perMs;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.fire();
      this.scheduleNext();
    }, this.nextGapMs());
  }

  private fire(): void {
    const index = Math.floor(this.random() * this.actions.length);
    const action = this.actions[index]!;
    const run = this.hooks
      .perform(action)
      .then((done) => {
        this.counts[done ? COUNTED[action] : 'skipped']++;
      })
      .catch((err: unknown) => {
        if (!this.stopped) this.hooks.onError(action, err);
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}
