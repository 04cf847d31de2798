import { performance } from 'node:perf_hooks';
import type { Store } from './store.ts';
import type { DeliveryStatus } from './types.ts';

/** How old the delivered and failed counts may be (ms); the queue depth is always current. */
export const FINISHED_COUNTS_MAX_AGE_MS = 60_000;

type Counts = Record<DeliveryStatus, number>;

/**
 * Deliveries by status for the dashboard and /metrics. The queue depth (queued, deferred) is
 * counted on every read from the index that holds only waiting deliveries, so it costs what the
 * queue holds. Counting delivered and failed reads every finished row (no index names the
 * status, for the engine's sake: store migration 13): 0.55 s at 1.4 M rows on SQLite, which
 * holds the process that long, so that count is shared and redone at most once a minute.
 */
export class DeliveryCounts {
  private finished: { at: number; counts: Promise<Pick<Counts, 'delivered' | 'failed'>> } | null = null;

  constructor(
    private readonly store: Pick<Store, 'countDeliveries' | 'countWaiting'>,
    private readonly maxAgeMs = FINISHED_COUNTS_MAX_AGE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async read(): Promise<Counts> {
    if (!this.finished || this.now() - this.finished.at > this.maxAgeMs) {
      const fresh = { at: this.now(), counts: this.store.countDeliveries().then(({ delivered, failed }) => ({ delivered, failed })) };
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
