import type { Store } from '../store/store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RealClock, type Clock } from '../engine/clock.ts';
import { Metrics } from './metrics.ts';
import type { MetricsStore } from './metrics-store.ts';
import { SqliteMetricsStore } from './sqlite-metrics-store.ts';

/** The metrics tables beside a store: the same SQLite connection (the migration made them). */
export function metricsStoreFor(store: Store): MetricsStore {
  if (store instanceof SqliteStore) return new SqliteMetricsStore(store.db);
  throw new Error('metrics are available on the SQLite store only in this build');
}

export function openMetrics(store: Store, options: { clock?: Clock; timeZone?: string } = {}): Metrics {
  return new Metrics({ store, metrics: metricsStoreFor(store), clock: options.clock ?? new RealClock(), timeZone: options.timeZone });
}
