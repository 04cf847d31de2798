/**
 * A token bucket that hands out future slots instead of plain refusals (GCRA, the virtual
 * scheduling form): a delivery that must wait is told when its turn comes, and that turn is
 * kept for it, so a thousand held deliveries come back spread at the rate, in their order,
 * rather than all at once to be refused again. The rate may change over time (the ramp after
 * a suspension): `intervalAt(t)` is the spacing between starts at time t.
 */
export class TokenBucket {
  /** When the next start would be on time if no burst were allowed. */
  private tat = Number.NEGATIVE_INFINITY;
  /** Slots promised to held deliveries, ascending. */
  private readonly reserved: number[] = [];

  constructor(
    /** Starts allowed back to back at time t (may shrink while ramping). */
    private readonly burstAt: (t: number) => number,
    private readonly intervalAt: (t: number) => number,
    /** A promised slot nobody came for is forgotten after this long. */
    private readonly forgetAfterMs = 10 * 60_000,
  ) {}

  /** Admits a start now, or returns the slot reserved for the caller. */
  take(now: number): { ok: true } | { ok: false; at: number } {
    while (this.reserved.length > 0 && this.reserved[0]! < now - this.forgetAfterMs) this.reserved.shift();
    if (this.reserved.length > 0 && this.reserved[0]! <= now) {
      this.reserved.shift();
      return { ok: true };
    }
    const interval = this.intervalAt(now);
    const tolerance = (Math.max(1, this.burstAt(now)) - 1) * interval;
    if (this.tat <= now + tolerance) {
      this.tat = Math.max(this.tat, now) + interval;
      return { ok: true };
    }
    const at = Math.ceil(this.tat - tolerance);
    this.reserved.push(at);
    this.tat += this.intervalAt(at);
    return { ok: false, at };
  }

  /** Slots promised and not yet claimed. */
  get pending(): number {
    return this.reserved.length;
  }
}
