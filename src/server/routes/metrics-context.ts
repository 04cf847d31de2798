import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import type { Store } from '../../store/store.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../store/postgres/postgres-store.ts';
import { Metrics } from '../../metrics/metrics.ts';
import { metricsStoreFor } from '../../metrics/open-metrics.ts';
import { createPrometheusRegistry } from '../../metrics/prometheus.ts';
import type { Registry } from 'prom-client';
import { metricsRoutes } from './metrics-routes.ts';
import { segmentRoutes } from './segments.ts';
import { prometheusRoutes } from './prometheus.ts';

/**
 * Optional settings a server context may carry for monitoring (not yet fields of ServerContext:
 * read loosely so the server can add them without this file changing). Defaults: UTC, top 20.
 */
interface MetricsSettings {
  metricsTimeZone?: string;
  metricsTopDomains?: number;
}

/** The zone the metrics use for days and the hour × weekday grid (the dashboard names it too). */
export function metricsTimeZoneOf(ctx: ServerContext): string {
  return (ctx as ServerContext & MetricsSettings).metricsTimeZone ?? process.env.REBOUND_METRICS_TZ ?? 'UTC';
}

const SYNC_EVERY_MS = 5_000;

interface Shared {
  metrics: Metrics;
  registry: Registry;
}

/** One Metrics (and one registry) per store, shared by the three route files so syncs coalesce. */
const perStore = new WeakMap<Store, Shared>();

/** Null when the store keeps no metrics tables (neither SQLite nor PostgreSQL): the routes answer 501. */
function shared(ctx: ServerContext): Shared | null {
  if (!(ctx.store instanceof SqliteStore) && !(ctx.store instanceof PostgresStore)) return null;
  let s = perStore.get(ctx.store);
  if (!s) {
    const settings = ctx as ServerContext & MetricsSettings;
    const metrics = new Metrics({
      store: ctx.store, metrics: metricsStoreFor(ctx.store), clock: ctx.engine.clock, timeZone: metricsTimeZoneOf(ctx),
    });
    s = { metrics, registry: createPrometheusRegistry(metrics, { topDomains: settings.metricsTopDomains }) };
    perStore.set(ctx.store, s);
  }
  return s;
}

/** The route-list entries (ServerContext in, as every route file of the server takes). */
const UNAVAILABLE = { error: 'metrics are kept on the SQLite and PostgreSQL stores only' };

function unavailable(app: FastifyInstance, paths: string[]): void {
  for (const path of paths) app.get(path, async (_req, reply) => reply.code(501).send(UNAVAILABLE));
}

export async function metricsApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const s = shared(ctx);
  if (!s) return unavailable(app, ['/v1/metrics/summary', '/v1/metrics/deferrals', '/v1/metrics/destinations', '/v1/metrics/resolution', '/v1/metrics/retry-success', '/v1/metrics/time-of-day']);
  const { metrics } = s;
  await metricsRoutes(app, { metrics });
  // Fold new outbox events as they arrive, so a read after a busy hour does not pay for it.
  const timer = setInterval(() => {
    metrics.sync().catch((err: unknown) => app.log.warn({ err }, 'metrics: folding the outbox failed; the next read retries'));
  }, SYNC_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

export async function segmentsApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const s = shared(ctx);
  if (!s) return unavailable(app, ['/v1/segments/affected']);
  await segmentRoutes(app, { metrics: s.metrics });
}

/** `/metrics`; whether it needs a token is the server's auth hook's business (config metricsAuth). */
export async function prometheusApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const s = shared(ctx);
  if (!s) return unavailable(app, ['/metrics']);
  await prometheusRoutes(app, { registry: s.registry });
}
