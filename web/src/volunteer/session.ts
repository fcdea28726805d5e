/**
 * One volunteer session: the protocol client, the worker pool, the pause
 * rules and the status snapshot that the page renders. It knows nothing of
 * React; the page subscribes to it like any external store.
 *
 * Pausing sets the client's slots to 0, which hands queued leases back and
 * lets running tasks finish. Any pause reason (the volunteer's own, a hidden
 * tab, running on battery, each opt-in) pauses; all must clear to resume.
 */
import type { Lease } from '../../../shared/protocol.ts';
import {
  VolunteerClient,
  type SocketLike,
} from '../../../shared/volunteer-client.ts';
import { WorkerPool } from '../pool/pool.ts';
import { indexedDbCheckpoints } from './checkpoints.ts';
import type { Conditions } from './conditions.ts';
import {
  clampCpuShare,
  clampWorkers,
  saveSettings,
  saveToken,
  loadToken,
} from './settings.ts';
import {
  initialStatus,
  withError,
  type PauseReason,
  type Settings,
  type VolunteerStatus,
} from './status.ts';

export interface SessionOptions {
  /** The coordinator's WebSocket URL. */
  url: string;
  cores: number;
  settings: Settings;
}

/**
 * The fleet's fault-injection hook, read at each start: a saboteur tab sets
 * `window.__tabgridTransformOutput` to rewrite its outputs. The coordinator
 * has no such switch; it must catch wrong results on its own.
 */
function transformHook(): {
  transformOutput?: (output: unknown, lease: Lease) => unknown;
} {
  const hook = window.__tabgridTransformOutput;
  return typeof hook === 'function' ? { transformOutput: hook } : {};
}

const MAX_AGENT_CHARS = 300;

function browserSocket(url: string): SocketLike {
  // The browser's WebSocket has every member SocketLike names; its handler
  // types are only narrower in their event parameter.
  return new WebSocket(url) as unknown as SocketLike;
}

export class VolunteerSession {
  private readonly options: SessionOptions;
  private client: VolunteerClient | null = null;
  private pool: WorkerPool | null = null;
  private readonly checkpoints = indexedDbCheckpoints();
  private detach: Array<() => void> = [];
  private conditions: Conditions = {
    hidden: false,
    onBattery: false,
    batteryKnown: false,
  };
  private userPaused = false;
  private status: VolunteerStatus;
  private readonly listeners = new Set<() => void>();

  constructor(options: SessionOptions) {
    this.options = options;
    this.status = freezeStatus(initialStatus(options.settings));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): VolunteerStatus => this.status;

  start(): void {
    if (this.client) return;
    const { settings } = this.status;
    this.userPaused = false;
    this.pool = new WorkerPool({ size: settings.workers });
    const pool = this.pool;
    this.client = new VolunteerClient({
      url: this.options.url,
      slots: this.slotsFor(this.reasons()),
      executor: {
        run: (run) => pool.run(run),
        cancel: (leaseId) => {
          pool.cancel(leaseId);
          // The client forgets a cancelled lease without an event; recount after it.
          queueMicrotask(() =>
            this.update({ running: this.client?.active.length ?? 0 }),
          );
        },
      },
      createSocket: browserSocket,
      ...(this.checkpoints ? { checkpoints: this.checkpoints } : {}),
      token: loadToken(),
      saveToken,
      agent: navigator.userAgent.slice(0, MAX_AGENT_CHARS),
      cpuShare: settings.cpuShare,
      ...transformHook(),
    });
    this.listen(this.client);
    this.update({ active: true, pauseReasons: this.reasons() });
    this.client.start();
  }

  stop(): void {
    for (const off of this.detach) off();
    this.detach = [];
    this.client?.stop();
    this.pool?.close();
    this.client = null;
    this.pool = null;
    this.userPaused = false;
    this.update({
      active: false,
      state: 'stopped',
      running: 0,
      pauseReasons: [],
    });
  }

  pause(): void {
    this.userPaused = true;
    this.applySlots();
  }

  resume(): void {
    this.userPaused = false;
    this.applySlots();
  }

  setWorkers(workers: number): void {
    const value = clampWorkers(workers, this.options.cores);
    this.saveSettings({ workers: value });
    this.pool?.resize(value);
    this.applySlots();
  }

  setCpuShare(share: number): void {
    const value = clampCpuShare(share);
    this.saveSettings({ cpuShare: value });
    this.client?.setCpuShare(value);
  }

  setPauseWhenHidden(on: boolean): void {
    this.saveSettings({ pauseWhenHidden: on });
    this.applySlots();
  }

  setPauseOnBattery(on: boolean): void {
    this.saveSettings({ pauseOnBattery: on });
    this.applySlots();
  }

  /** Fed by watchConditions. */
  setConditions(conditions: Conditions): void {
    this.conditions = conditions;
    if (conditions.batteryKnown !== this.status.batteryKnown) {
      this.update({ batteryKnown: conditions.batteryKnown });
    }
    this.applySlots();
  }

  private reasons(): PauseReason[] {
    const { settings } = this.status;
    const reasons: PauseReason[] = [];
    if (this.userPaused) reasons.push('user');
    if (settings.pauseWhenHidden && this.conditions.hidden)
      reasons.push('hidden');
    if (settings.pauseOnBattery && this.conditions.onBattery)
      reasons.push('battery');
    return reasons;
  }

  private slotsFor(reasons: PauseReason[]): number {
    return reasons.length > 0 ? 0 : this.status.settings.workers;
  }

  private applySlots(): void {
    if (!this.client) return;
    const reasons = this.reasons();
    this.client.setSlots(this.slotsFor(reasons));
    if (reasons.join() !== this.status.pauseReasons.join())
      this.update({ pauseReasons: reasons });
  }

  private saveSettings(change: Partial<Settings>): void {
    const settings = { ...this.status.settings, ...change };
    saveSettings(settings);
    this.update({ settings });
  }

  private listen(client: VolunteerClient): void {
    this.detach.push(
      client.on('state', (state) => {
        // The client stops itself on a fatal error (banned, wrong protocol).
        if (state === 'stopped') return this.stop();
        this.update({ state, running: client.active.length });
      }),
      client.on('welcome', ({ volunteerId }) => this.update({ volunteerId })),
      client.on('task:start', (lease) => {
        const job = client.jobOf(lease.jobId);
        this.update({
          running: client.active.length,
          ...(job
            ? {
                job: {
                  jobId: job.jobId,
                  name: job.name,
                  description: job.description,
                },
              }
            : {}),
        });
      }),
      client.on('task:done', ({ lease, outcome }) => {
        const s = this.status;
        const { error } = outcome;
        const counts = {
          running: client.active.length,
          tasksDone: s.tasksDone + 1,
          tasksFailed: s.tasksFailed + (error ? 1 : 0),
          cpuMs: s.cpuMs + outcome.elapsedMs,
        };
        if (!error) return this.update(counts);
        const text = `task ${lease.taskIndex} of ${lease.jobId}: ${error.message}`;
        // A thrown error or a timeout is the job's; a crashed sandbox is this page's.
        if (error.kind === 'crashed')
          this.update({ ...counts, ...withError(s, text) });
        else this.update({ ...counts, lastError: text });
      }),
      client.on('credit', ({ validated, rejected, creditMs }) => {
        this.update({ credit: { validated, rejected, creditMs } });
      }),
      client.on('error', ({ code, message }) => {
        this.update(withError(this.status, `${code}: ${message}`));
      }),
    );
  }

  private update(change: Partial<VolunteerStatus>): void {
    this.status = freezeStatus({ ...this.status, ...change });
    for (const listener of this.listeners) listener();
  }
}

/** Snapshots are shared with the fleet through `window`: none of it may be changed there. */
function freezeStatus(status: VolunteerStatus): VolunteerStatus {
  for (const value of Object.values(status)) {
    if (typeof value === 'object' && value !== null) Object.freeze(value);
  }
  return Object.freeze(status);
}
