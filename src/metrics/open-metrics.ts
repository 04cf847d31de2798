import type { Store } from '../store/store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RealClock, type Clock } from '../engine/clock.ts';
import { Metrics } from './metrics.ts';
import type { MetricsStore } from './metrics-store.ts';
import { SqliteMetricsStore } from './sqlite-metrics-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { PostgresMetricsStore } from './postgres-metrics-store.ts';

/** The metrics tables beside a store: in the same database (its migrations made them). */
export function metricsStoreFor(store: Store): MetricsStore {
  if (store instanceof SqliteStore) return new SqliteMetricsStore(store.db);
  if (store instanceof PostgresStore) return new PostgresMetricsStore(store);
  throw new Error('metrics need the SQLite or the PostgreSQL store');
}

export function openMetrics(store: Store, options: { clock?: Clock; timeZone?: string } = {}): Metrics {
  return new Metrics({ store, metrics: metricsStoreFor(store), clock: options.clock ?? new RealClock(), timeZone: options.timeZone });
}
