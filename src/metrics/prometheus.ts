import { deliveryCountsFor } from '../store/delivery-counts.ts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from './metrics.ts';
import { healthAt } from '../delivery/health/destination-health.ts';

export interface PrometheusOptions {
  /** Domains that get their own label value; the rest are summed under `other` (bounded cardinality). */
  topDomains?: number;
}

/** Incident lengths worth telling apart: minutes, the seed's 1 h / 5 h / 17 h / 41 h marks, a week. */
const INCIDENT_BUCKETS = [60, 300, 900, 3600, 5 * 3600, 17 * 3600, 41 * 3600, 7 * 86400];

/** Keeps the first `n` keys (already ranked) and folds the rest into `other`. */
export function topN<T>(rows: readonly T[], n: number, key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  rows.forEach((r, i) => {
    const k = i < n ? key(r) || 'none' : 'other';
    out.set(k, (out.get(k) ?? 0) + value(r));
  });
  return out;
}

/**
 * A prom-client registry whose collectors read the store at scrape time (after folding new
 * outbox events), so every Rebound process reports the same durable figures and nothing is
 * lost on restart. Totals are since the database began.
 */
export function createPrometheusRegistry(metrics: Metrics, options: PrometheusOptions = {}): Registry {
  const top = options.topDomains ?? 20;
  const registry = new Registry();
  const m = metrics.metrics;
  const synced = async (): Promise<void> => {
    await metrics.sync();
  };

  new Counter({
    name: 'rebound_deferrals_total', help: 'Transient outcomes that deferred a delivery, by enhanced code and reason.',
    labelNames: ['enhanced', 'reason'], registers: [registry],
    async collect() {
      await synced();
      this.reset();
      for (const r of await m.totalsByCode()) if (r.deferrals) this.inc({ enhanced: r.enhanced || 'none', reason: r.reason || 'none' }, r.deferrals);
    },
  });
  new Counter({
    name: 'rebound_outcomes_total', help: 'Deliveries that ended, by how: delivered, refused (a permanent refusal) or gave_up (retries ran out). The bounce rate is (refused + gave_up) / all.',
    labelNames: ['outcome'], registers: [registry],
    async collect() {
      await synced();
      this.reset();
      const totals = await m.totalsByCode();
      const sum = (k: 'delivered' | 'refusals' | 'failures') => totals.reduce((s, r) => s + r[k], 0);
      this.inc({ outcome: 'delivered' }, sum('delivered'));
      this.inc({ outcome: 'refused' }, sum('refusals'));
      this.inc({ outcome: 'gave_up' }, sum('failures'));
    },
  });
  new Counter({
    name: 'rebound_complaints_total', help: 'Spam reports about deliveries (ARF abuse or fraud, an ESP complaint event), counted once per delivery. The complaint rate is this over rebound_outcomes_total{outcome="delivered"}.',
    registers: [registry],
    async collect() {
      await synced();
      this.reset();
      this.inc((await m.totalsByCode()).reduce((s, r) => s + r.complaints, 0));
    },
  });
  new Counter({
    name: 'rebound_retry_attempts_total', help: 'Attempts after the first one of a delivery, whatever their outcome.',
    registers: [registry],
    async collect() {
      await synced();
      this.reset();
      this.inc((await m.totalsByCode()).reduce((s, r) => s + r.retries, 0));
    },
  });
  new Counter({
    name: 'rebound_domain_deferrals_total', help: `Deferrals by recipient domain (the ${top} most deferred; the rest as "other").`,
    labelNames: ['domain'], registers: [registry],
    async collect() {
      await synced();
      this.reset();
      for (const [domain, n] of topN(await m.totalsByDomain(), top, (r) => r.domain, (r) => r.deferrals)) if (n) this.inc({ domain }, n);
    },
  });
  new Histogram({
    name: 'rebound_incident_duration_seconds', help: 'Resolution time of closed incidents (first deferral to first later success at a destination).',
    buckets: INCIDENT_BUCKETS, registers: [registry],
    async collect() {
      await synced();
      this.reset();
      for (const d of await m.closedDurations()) this.observe(d.ms / 1000);
    },
  });
  new Gauge({
    name: 'rebound_incidents_open', help: `Incidents open now, by domain (the ${top} oldest; the rest as "other").`,
    labelNames: ['domain'], registers: [registry],
    async collect() {
      await synced();
      this.reset();
      for (const [domain, n] of topN(await m.openIncidents(), top, (r) => r.domain, () => 1)) this.set({ domain }, n);
    },
  });
  new Gauge({
    name: 'rebound_destinations_suspended', help: 'Destinations the gate has suspended now.', registers: [registry],
    async collect() {
      const now = metrics.clock.now();
      this.set((await metrics.store.listDestinations()).filter((d) => healthAt(d, now) === 'suspended').length);
    },
  });
  new Gauge({
    name: 'rebound_deliveries', help: 'Deliveries by status (queued and deferred are the queue depth; delivered and failed are the rows kept, which retention deletes: rebound_outcomes_total counts every ending).',
    labelNames: ['status'], registers: [registry],
    async collect() {
      for (const [status, n] of Object.entries(await deliveryCountsFor(metrics.store).read())) this.set({ status }, n);
    },
  });
  return registry;
}
