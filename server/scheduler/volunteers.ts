/**
 * The volunteers the scheduler knows, each in one of these states:
 *
 * - connected: it takes up to slots × prefetch leases.
 * - away: its socket closed while it held leases it had started (they
 *   reported progress, so may have a checkpoint). Those wait for it, and it
 *   gets nothing new, for up to the reconnect grace; a hello within the
 *   grace makes it connected again with them. Leases it had not started go
 *   back at once when it leaves.
 * - banned: caught. Its leases are lost and it gets nothing more; the
 *   sockets refuse it before a hello can start it afresh.
 *
 * A volunteer that leaves holding no lease, or whose grace runs out, is
 * forgotten along with its timing history.
 */
import type { TaskTiming } from './timing.ts';
import type { LeaseRecord } from './types.ts';

export interface VolunteerState {
  id: string;
  slots: number;
  leases: Map<number, LeaseRecord>;
  banned: boolean;
  /** Disconnected at; its leases wait until then + reconnectGraceMs for it to return. */
  awaySince: number | null;
}

export class Volunteers {
  private readonly byId = new Map<string, VolunteerState>();

  constructor(
    private readonly prefetch: number,
    private readonly reconnectGraceMs: number,
    private readonly timing: TaskTiming,
  ) {}

  get(volunteerId: string): VolunteerState | undefined {
    return this.byId.get(volunteerId);
  }

  values(): IterableIterator<VolunteerState> {
    return this.byId.values();
  }

  /** A hello: the leases held for it while it was away, or none for a newcomer. */
  connect(volunteerId: string, slots: number): LeaseRecord[] {
    // Also a new socket that overtakes the old one's close, as a reload can.
    const known = this.byId.get(volunteerId);
    if (known && !known.banned) {
      known.awaySince = null;
      known.slots = slots;
      return [...known.leases.values()];
    }
    this.byId.set(volunteerId, {
      id: volunteerId,
      slots,
      leases: new Map(),
      banned: false,
      awaySince: null,
    });
    return [];
  }

  setSlots(volunteerId: string, slots: number): void {
    const v = this.byId.get(volunteerId);
    if (v) v.slots = slots;
  }

  /** Leases this volunteer could take now: none while away or banned. */
  freeCapacity(volunteerId: string): number {
    const v = this.byId.get(volunteerId);
    if (!v || v.banned || v.awaySince !== null) return 0;
    return Math.max(0, v.slots * this.prefetch - v.leases.size);
  }

  /** Whether the volunteer's started leases wait for it when it leaves. */
  holdsLeases(v: VolunteerState): boolean {
    return this.reconnectGraceMs > 0 && !v.banned;
  }

  /** Whether the volunteer has been away for the whole reconnect grace. */
  graceOver(v: VolunteerState, now: number): boolean {
    return v.awaySince !== null && now - v.awaySince >= this.reconnectGraceMs;
  }

  /** A volunteer gone for good: its state and its timing history. */
  forget(volunteerId: string): void {
    this.byId.delete(volunteerId);
    this.timing.forgetVolunteer(volunteerId);
  }
}
