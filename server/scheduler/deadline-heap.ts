/**
 * A binary min-heap of (deadline, lease id). Entries are never removed in
 * place: a lease that ends or moves its deadline leaves a stale entry, which
 * `popDue` skips by asking whether the entry still matches the lease.
 * Stale entries would otherwise live until their deadline (minutes at
 * thousands of leases a second), so `compact` drops them once they dominate.
 */
/** Entries per live lease above which `compact` rebuilds the heap. */
const STALE_FACTOR = 4;
/** Below this many entries, stale ones cost too little to bother. */
const MIN_COMPACT_SIZE = 4096;

export class DeadlineHeap {
  private readonly deadlines: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  push(deadline: number, id: number): void {
    this.deadlines.push(deadline);
    this.ids.push(id);
    this.up(this.ids.length - 1);
  }

  /** Removes and returns every id whose deadline is at or before `now` and `isLive`. */
  popDue(
    now: number,
    isLive: (id: number, deadline: number) => boolean,
  ): number[] {
    const due: number[] = [];
    while (this.ids.length > 0 && this.deadlines[0]! <= now) {
      const deadline = this.deadlines[0]!;
      const id = this.ids[0]!;
      this.removeTop();
      if (isLive(id, deadline)) due.push(id);
    }
    return due;
  }

  /**
   * Drops stale entries when there are more than STALE_FACTOR times as many
   * entries as `liveCount` (and at least MIN_COMPACT_SIZE), then rebuilds the
   * heap in O(n). Each rebuild follows several times `liveCount` pushes, so
   * its cost spreads thinly over them.
   */
  compact(
    liveCount: number,
    isLive: (id: number, deadline: number) => boolean,
  ): void {
    const n = this.ids.length;
    if (n < MIN_COMPACT_SIZE || n <= STALE_FACTOR * liveCount) return;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const deadline = this.deadlines[i]!;
      const id = this.ids[i]!;
      if (!isLive(id, deadline)) continue;
      this.deadlines[kept] = deadline;
      this.ids[kept] = id;
      kept++;
    }
    this.deadlines.length = kept;
    this.ids.length = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private removeTop(): void {
    const lastDeadline = this.deadlines.pop()!;
    const lastId = this.ids.pop()!;
    if (this.ids.length === 0) return;
    this.deadlines[0] = lastDeadline;
    this.ids[0] = lastId;
    this.down(0);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.deadlines[parent]! <= this.deadlines[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.deadlines[l]! < this.deadlines[min]!) min = l;
      if (r < n && this.deadlines[r]! < this.deadlines[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    [this.deadlines[a], this.deadlines[b]] = [
      this.deadlines[b]!,
      this.deadlines[a]!,
    ];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
