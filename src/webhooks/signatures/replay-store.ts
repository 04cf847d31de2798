/**
 * Remembers single-use values (Mailgun's signature token) until they expire, so a captured
 * request cannot be played again. `claim` answers false for a value already claimed.
 * `release` gives a value back when the request it came with could not be recorded, so the
 * provider's own retry of that request is not taken for a replay.
 */
export interface ReplayStore {
  claim(key: string, expiresAt: number, now: number): boolean | Promise<boolean>;
  release(key: string): void | Promise<void>;
}

/**
 * One process's memory. Bounded: past `maxEntries` the value closest to expiry is forgotten
 * first (an attacker would need that many fresh signed requests inside the window to push one
 * out). Several Rebound nodes need a shared store instead.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private claimsSinceSweep = 0;
  constructor(private readonly maxEntries = 100_000) {}

  claim(key: string, expiresAt: number, now: number): boolean {
    if (++this.claimsSinceSweep >= 1000) this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxEntries) {
      this.sweep(now);
      if (this.seen.size >= this.maxEntries) this.forgetSoonestExpiring();
    }
    this.seen.set(key, expiresAt);
    return true;
  }

  release(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    this.claimsSinceSweep = 0;
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
  }

  private forgetSoonestExpiring(): void {
    let soonest: string | null = null;
    let at = Infinity;
    for (const [k, until] of this.seen) if (until < at) [soonest, at] = [k, until];
    if (soonest !== null) this.seen.delete(soonest);
  }
}
