import { performance } from 'node:perf_hooks';
import type { Store } from './store.ts';
import type { DeliveryStatus } from './types.ts';

/**
 * How old the delivered and failed counts may be: a hundred times what the last count took, so
 * counting holds the process at most 1 % of the time, between 2 s (a small store) and a minute.
 * The queue depth is always current.
 */
export const FINISHED_COUNTS_AGE = { perCountMs: 100, minMs: 2_000, maxMs: 60_000 } as const;

type Counts = Record<DeliveryStatus, number>;

/**
 * Deliveries by status for the dashboard and /metrics. The queue depth (queued, deferred) is
 * counted on every read from the index that holds only waiting deliveries, so it costs what the
 * queue holds. Counting delivered and failed reads every finished row (no index names the
 * status, for the engine's sake: store migration 13): 0.55 s at 1.4 M rows on SQLite, which
 * holds the process that long, so that count is shared and redone only as often as its cost
 * allows (FINISHED_COUNTS_AGE).
 */
export class DeliveryCounts {
  private finished: { at: number; counts: Promise<Pick<Counts, 'delivered' | 'failed'>> } | null = null;
  private maxAgeMs: number;

  constructor(
    private readonly store: Pick<Store, 'countDeliveries' | 'countWaiting'>,
    private readonly age: { perCountMs: number; minMs: number; maxMs: number } = FINISHED_COUNTS_AGE,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.maxAgeMs = age.minMs;
  }

  async read(): Promise<Counts> {
    if (!this.finished || this.now() - this.finished.at > this.maxAgeMs) {
      const started = this.now();
      const fresh = {
        at: started,
        counts: this.store.countDeliveries().then(({ delivered, failed }) => {
          this.maxAgeMs = Math.min(this.age.maxMs, Math.max(this.age.minMs, (this.now() - started) * this.age.perCountMs));
          return { delivered, failed };
        }),
      };
      // a failed count is not kept: the next read tries again
      fresh.counts.catch(() => { if (this.finished === fresh) this.finished = null; });
      this.finished = fresh;
    }
    const [waiting, finished] = await Promise.all([this.store.countWaiting(), this.finished.counts]);
    return { ...waiting, ...finished };
  }
}

const perStore = new WeakMap<object, DeliveryCounts>();

/** One DeliveryCounts per store, shared by every reader in the process. */
export function deliveryCountsFor(store: Pick<Store, 'countDeliveries' | 'countWaiting'>): DeliveryCounts {
  let c = perStore.get(store);
  if (!c) perStore.set(store, (c = new DeliveryCounts(store)));
  return c;
}
