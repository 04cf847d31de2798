/**
 * All scheduling reads time from a Clock, never from Date.now() directly, so tests run the
 * 41-hour 4.3.2 schedule in milliseconds and `--time-scale N` runs N schedule-seconds per second.
 */
export interface Clock {
  /** Epoch milliseconds in the engine's time. */
  now(): number;
  /** Resolves once the clock has reached `at` (engine time), or rejects with the signal's reason. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** Wall time, optionally sped up: `scale` engine-seconds pass per real second, from `origin`. */
export class RealClock implements Clock {
  private readonly realStart = Date.now();
  constructor(private readonly scale = 1, private readonly origin = Date.now()) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
  }
  now(): number {
    return this.origin + (Date.now() - this.realStart) * this.scale;
  }
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    const realMs = Math.max(0, (at - this.now()) / this.scale);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(realMs, 2 ** 31 - 1));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** A clock that moves only when a test says so; sleepers wake as `advance` passes their time. */
export class TestClock implements Clock {
  private sleepers: Array<{ at: number; resolve: () => void }> = [];
  constructor(private current = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }
  /** Moves time forward by `ms` and wakes every sleeper whose time has come. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }
  set(at: number): void {
    if (at < this.current) throw new RangeError('a TestClock never goes backwards');
    this.current = at;
    const due = this.sleepers.filter((s) => s.at <= at);
    this.sleepers = this.sleepers.filter((s) => s.at > at);
    for (const s of due) s.resolve();
  }
}
