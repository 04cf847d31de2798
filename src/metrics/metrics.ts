import type { Store } from '../store/store.ts';
import type { Clock } from '../engine/clock.ts';
import type { MetricsStore } from './metrics-store.ts';
import type { IncidentRecord, MetricsFilter, WindowRow } from './types.ts';
import { nearestRank } from './percentile.ts';
import { dayLabelIn, weekdayHourIn } from './time-zone.ts';

export interface MetricsOptions {
  store: Store;
  metrics: MetricsStore;
  clock: Clock;
  /** IANA zone for days and the hour × weekday grid (default UTC). */
  timeZone?: string;
  /** Outbox events folded per transaction. */
  batchSize?: number;
}

export interface Counts {
  total: number;
  byEnhanced: Record<string, number>;
  byReason: Record<string, number>;
}

export interface Refusals extends Counts {
  /** For each reason, the (at most 5) domains that refused most with it. */
  topDomainsByReason: Record<string, Array<{ domain: string; count: number }>>;
}

export interface FrequencyBucket extends Counts {
  /** Start of the bucket: an ISO instant (hour) or a YYYY-MM-DD day in the time zone. */
  start: string;
}

export interface Frequency extends Counts {
  bucket: 'hour' | 'day';
  series: FrequencyBucket[];
}

export interface DestinationRanking {
  domain: string;
  mxHosts: string[];
  deferrals: number;
  failures: number;
  /** Permanent failures (blocks, unknown users, authentication…): not availability, but the sender's to act on. */
  refusals: number;
  retries: number;
  incidents: number;
  /** Time inside the window the destination spent in an incident. */
  unavailableSeconds: number;
  open: boolean;
}

export interface OpenIncident {
  id: number;
  domain: string;
  openedAt: string;
  ageSeconds: number;
  deferrals: number;
  recipients: number;
}

export interface Resolution {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  maxSeconds: number | null;
  open: OpenIncident[];
}

export interface AttemptShare {
  attempt: number;
  /** Deliveries of the cohort delivered at this attempt. */
  delivered: number;
  /** delivered / cohort. */
  share: number;
  /** Cohort deliveries still not final after this attempt (the funnel). */
  remaining: number;
}

export interface RetrySuccess {
  /** Deliveries first deferred in the window (the cohort). */
  deferred: number;
  delivered: number;
  failed: number;
  pending: number;
  /** delivered / deferred; null with no cohort. */
  rate: number | null;
  byAttempt: AttemptShare[];
}

/** How the deliveries that ended in the window ended: the figures an ESP's dashboard leads with. */
export interface Outcomes {
  delivered: number;
  /** Refused for good by the receiving side (a permanent reply, or a bounce after a relay took it). */
  refused: number;
  /** Failed after their retries ran out (or their maximum age). */
  gaveUp: number;
  /** (refused + gaveUp) / every ending; null when nothing ended, or under a reason or code filter. */
  bounceRate: number | null;
  /** Spam reports about deliveries that arrived in the window (an unsubscribe is not one). */
  complaints: number;
  /**
   * complaints / delivered, the way Gmail's and Yahoo's sender rules count a spam rate (keep it
   * under 0.1 %, never reach 0.3 %); null when nothing was delivered, or under a reason or code filter.
   */
  complaintRate: number | null;
  /** Where the rate stands against those rules: ok, above the 0.1 % to aim under, at or over the 0.3 % never to reach. */
  complaintLevel: ComplaintLevel | null;
}

export type ComplaintLevel = 'ok' | 'high' | 'too-high';

/**
 * The spam rates Gmail's and Yahoo's bulk-sender requirements (February 2024) name: stay under
 * 0.1 %; at 0.3 % and above, mail is filtered or refused and mitigation is withheld.
 */
export const COMPLAINT_RATE_LIMITS = { aim: 0.001, never: 0.003 } as const;

export function complaintLevel(rate: number | null): ComplaintLevel | null {
  if (rate === null) return null;
  return rate >= COMPLAINT_RATE_LIMITS.never ? 'too-high' : rate > COMPLAINT_RATE_LIMITS.aim ? 'high' : 'ok';
}

export interface Summary {
  outcomes: Outcomes;
  deferrals: Counts;
  refusals: Refusals;
  destinations: DestinationRanking[];
  resolution: Resolution;
  retrySuccess: RetrySuccess;
  /** [weekday 0 = Monday][hour 0..23] deferrals, in the configured time zone. */
  timeOfDay: number[][];
}

const iso = (at: number): string => new Date(at).toISOString();
const seconds = (ms: number): number => Math.round(ms / 1000);

function addTo(map: Record<string, number>, key: string, n: number): void {
  if (n) map[key || 'none'] = (map[key || 'none'] ?? 0) + n;
}

function countBy(rows: readonly WindowRow[], n: (r: WindowRow) => number): Counts {
  const out: Counts = { total: 0, byEnhanced: {}, byReason: {} };
  for (const r of rows) {
    out.total += n(r);
    addTo(out.byEnhanced, r.enhanced, n(r));
    addTo(out.byReason, r.reason, n(r));
  }
  return out;
}

/**
 * The seed's monitoring figures over any window, read from the aggregates the projector keeps.
 * Every read first folds the outbox events not yet seen, so answers are current without a
 * background job (and a background `sync` only makes the reads cheaper).
 */
export class Metrics {
  readonly store: Store;
  readonly metrics: MetricsStore;
  readonly clock: Clock;
  readonly timeZone: string;
  private readonly batchSize: number;
  private syncing: Promise<number> | null = null;

  constructor(options: MetricsOptions) {
    this.store = options.store;
    this.metrics = options.metrics;
    this.clock = options.clock;
    this.timeZone = options.timeZone ?? 'UTC';
    weekdayHourIn(this.timeZone); // fail at construction on a bad zone, not mid-request
    this.batchSize = options.batchSize ?? 5000;
  }

  /** Folds every outbox event after the cursor; returns how many. Concurrent calls share one run. */
  sync(): Promise<number> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async runSync(): Promise<number> {
    let cursor = await this.metrics.cursor();
    let folded = 0;
    for (;;) {
      const events = await this.store.listEvents(cursor, this.batchSize);
      if (events.length === 0) return folded;
      cursor = events.at(-1)!.id;
      await this.metrics.apply(events, cursor);
      folded += events.length;
    }
  }

  async frequency(f: MetricsFilter, bucket: 'hour' | 'day' = 'hour'): Promise<Frequency> {
    await this.sync();
    const rows = await this.metrics.hourlyByHour(f);
    const out: Frequency = { bucket, total: 0, byEnhanced: {}, byReason: {}, series: [] };
    const label = bucket === 'hour' ? iso : dayLabelIn(this.timeZone);
    const buckets = new Map<string, FrequencyBucket>();
    for (const r of rows) {
      if (!r.deferrals) continue;
      const start = label(r.hour);
      let current = buckets.get(start);
      if (!current) {
        buckets.set(start, (current = { start, total: 0, byEnhanced: {}, byReason: {} }));
        out.series.push(current);
      }
      for (const c of [out, current]) {
        c.total += r.deferrals;
        addTo(c.byEnhanced, r.enhanced, r.deferrals);
        addTo(c.byReason, r.reason, r.deferrals);
      }
    }
    return out;
  }

  async deferrals(f: MetricsFilter, rows?: readonly WindowRow[]): Promise<Counts> {
    await this.sync();
    return countBy(rows ?? (await this.metrics.windowRows(f)), (r) => r.deferrals);
  }

  /**
   * Permanent failures in the window by code and reason, and the domains that refused most for
   * each reason: what the sender must act on (clean the list, fix authentication, get delisted),
   * which the deferral figures, being about availability, leave out.
   */
  async refusals(f: MetricsFilter, rows?: readonly WindowRow[]): Promise<Refusals> {
    await this.sync();
    const all = rows ?? (await this.metrics.windowRows(f));
    const out: Refusals = { ...countBy(all, (r) => r.refusals), topDomainsByReason: {} };
    const byReason = new Map<string, Map<string, number>>();
    for (const r of all) {
      if (!r.refusals) continue;
      const reason = r.reason || 'none';
      let domains = byReason.get(reason);
      if (!domains) byReason.set(reason, (domains = new Map()));
      domains.set(r.domain, (domains.get(r.domain) ?? 0) + r.refusals);
    }
    for (const [reason, domains] of byReason) {
      out.topDomainsByReason[reason] = [...domains].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([domain, count]) => ({ domain, count }));
    }
    return out;
  }

  /** Incidents in the window that match the code filter (incidents keep codes, not reasons). */
  private async incidents(f: MetricsFilter): Promise<IncidentRecord[]> {
    const all = await this.metrics.incidentsOverlapping(f);
    return f.enhanced ? all.filter((i) => (i.codes[f.enhanced!] ?? 0) > 0) : all;
  }

  /** The "problematic mail servers": most time unavailable first, then most deferrals. */
  async destinations(f: MetricsFilter, limit = 50, rows?: readonly WindowRow[]): Promise<DestinationRanking[]> {
    await this.sync();
    const now = this.clock.now();
    const byDomain = new Map<string, DestinationRanking>();
    const get = (domain: string): DestinationRanking => {
      let d = byDomain.get(domain);
      if (!d) byDomain.set(domain, (d = { domain, mxHosts: [], deferrals: 0, failures: 0, refusals: 0, retries: 0, incidents: 0, unavailableSeconds: 0, open: false }));
      return d;
    };
    for (const r of rows ?? (await this.metrics.windowRows(f))) {
      if (!r.deferrals && !r.failures && !r.refusals) continue;
      const d = get(r.domain);
      d.deferrals += r.deferrals;
      d.failures += r.failures;
      d.refusals += r.refusals;
      d.retries += r.retries;
      if (r.mxHost && !d.mxHosts.includes(r.mxHost)) d.mxHosts.push(r.mxHost);
    }
    for (const i of await this.incidents(f)) {
      const d = get(i.domain);
      d.incidents++;
      d.open ||= i.closedAt === null;
      const end = Math.min(i.closedAt ?? now, f.to);
      d.unavailableSeconds += seconds(Math.max(0, end - Math.max(i.openedAt, f.from)));
      for (const mx of i.mxHosts) if (!d.mxHosts.includes(mx)) d.mxHosts.push(mx);
    }
    return [...byDomain.values()]
      .sort((a, b) => b.unavailableSeconds - a.unavailableSeconds || b.deferrals - a.deferrals || b.incidents - a.incidents || b.refusals - a.refusals || (a.domain < b.domain ? -1 : 1))
      .slice(0, limit);
  }

  /** Closed incidents (closed inside the window) and the incidents open now, with their age. */
  async resolution(f: MetricsFilter): Promise<Resolution & { incidents: IncidentRecord[] }> {
    await this.sync();
    const now = this.clock.now();
    const incidents = await this.incidents(f);
    const closed = incidents.filter((i) => i.closedAt !== null && i.closedAt >= f.from && i.closedAt < f.to);
    const durations = closed.map((i) => i.closedAt! - i.openedAt).sort((a, b) => a - b);
    const pick = (p: number): number | null => {
      const v = nearestRank(durations, p);
      return v === null ? null : seconds(v);
    };
    return {
      count: closed.length,
      p50Seconds: pick(50),
      p90Seconds: pick(90),
      maxSeconds: durations.length ? seconds(durations.at(-1)!) : null,
      open: incidents.filter((i) => i.closedAt === null).map((i) => ({
        id: i.id, domain: i.domain, openedAt: iso(i.openedAt), ageSeconds: seconds(now - i.openedAt), deferrals: i.deferrals, recipients: i.recipients,
      })),
      incidents,
    };
  }

  /** Of the deliveries first deferred in the window, the share finally delivered, and by which attempt. */
  async retrySuccess(f: MetricsFilter): Promise<RetrySuccess> {
    await this.sync();
    const rows = await this.metrics.funnel(f);
    let deferred = 0;
    let delivered = 0;
    let failed = 0;
    let maxAttempt = 1;
    const deliveredAt = new Map<number, number>();
    const finishedAt = new Map<number, number>();
    for (const r of rows) {
      deferred += r.n;
      if (r.finalStatus === null || r.finalAttempt === null) continue;
      if (r.finalStatus === 'delivered') {
        delivered += r.n;
        deliveredAt.set(r.finalAttempt, (deliveredAt.get(r.finalAttempt) ?? 0) + r.n);
      } else failed += r.n;
      finishedAt.set(r.finalAttempt, (finishedAt.get(r.finalAttempt) ?? 0) + r.n);
      maxAttempt = Math.max(maxAttempt, r.finalAttempt);
    }
    const byAttempt: AttemptShare[] = [];
    let remaining = deferred;
    for (let a = 1; a <= maxAttempt && deferred > 0; a++) {
      remaining -= finishedAt.get(a) ?? 0;
      const n = deliveredAt.get(a) ?? 0;
      byAttempt.push({ attempt: a, delivered: n, share: n / deferred, remaining });
    }
    return { deferred, delivered, failed, pending: deferred - delivered - failed, rate: deferred ? delivered / deferred : null, byAttempt };
  }

  /** Deferrals by weekday (0 = Monday) × hour of day in the time zone. */
  async timeOfDay(f: MetricsFilter, timeZone = this.timeZone): Promise<number[][]> {
    await this.sync();
    const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const place = weekdayHourIn(timeZone);
    // Many rows share an hour: place each hour once (Intl formatting is the costly part).
    const perHour = new Map<number, number>();
    for (const r of await this.metrics.hourlyByHour(f)) if (r.deferrals) perHour.set(r.hour, (perHour.get(r.hour) ?? 0) + r.deferrals);
    for (const [at, n] of perHour) {
      const { weekday, hour } = place(at);
      grid[weekday]![hour]! += n;
    }
    return grid;
  }

  /** Deliveries that ended in the window, by how (counted from the events folded since the metric-delivered migration). */
  async outcomes(f: MetricsFilter, rows?: readonly WindowRow[], deliveredInWindow?: number): Promise<Outcomes> {
    await this.sync();
    const delivered = deliveredInWindow ?? (await this.metrics.windowDelivered(f));
    let refused = 0;
    let gaveUp = 0;
    let complaints = 0;
    for (const r of rows ?? (await this.metrics.windowRows(f))) {
      refused += r.refusals;
      gaveUp += r.failures;
      complaints += r.complaints;
    }
    const ended = delivered + refused + gaveUp;
    // deliveries carry no code or reason to filter by: a rate over a reason or code filter would read 100 %
    const comparable = !f.reason && !f.enhanced;
    const complaintRate = delivered && comparable ? complaints / delivered : null;
    return {
      delivered, refused, gaveUp, bounceRate: ended && comparable ? (refused + gaveUp) / ended : null,
      complaints, complaintRate, complaintLevel: complaintLevel(complaintRate),
    };
  }

  async summary(f: MetricsFilter): Promise<Summary> {
    await this.sync();
    const [rows, delivered] = await Promise.all([this.metrics.windowRows(f), this.metrics.windowDelivered(f)]);
    const [deferrals, refusals, destinations, resolution, retrySuccess, timeOfDay] = await Promise.all([
      this.deferrals(f, rows), this.refusals(f, rows), this.destinations(f, 20, rows), this.resolution(f), this.retrySuccess(f), this.timeOfDay(f, this.timeZone),
    ]);
    const { incidents: _, ...res } = resolution;
    return { outcomes: await this.outcomes(f, rows, delivered), deferrals, refusals, destinations, resolution: res, retrySuccess, timeOfDay };
  }
}
