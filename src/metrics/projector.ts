import type { EventRecord } from '../store/types.ts';
import type { IncidentRecord } from './types.ts';

/**
 * Folds outbox events into the monitoring tables. Pure logic over a `MetricsWriter` that the
 * store runs inside one transaction per batch (together with the cursor), so every event counts
 * exactly once and a crash mid-batch replays it whole.
 */
export interface MetricsWriter {
  openIncident(domain: string): IncidentRecord | null;
  insertIncident(domain: string, openedAt: number): IncidentRecord;
  saveIncident(incident: IncidentRecord): void;
  /** True when the recipient was not yet counted for this incident. */
  addIncidentRecipient(incidentId: number, recipient: string): boolean;
  addHourly(row: HourlyDelta): void;
  addDeferred(row: { deliveryId: string; recipient: string; domain: string; firstDeferredAt: number; enhanced: string; reason: string }): void;
  finishDeferred(deliveryId: string, status: 'delivered' | 'failed', attempt: number, at: number): void;
}

export interface HourlyDelta {
  hour: number;
  domain: string;
  mxHost: string;
  enhanced: string;
  reason: string;
  deferrals: number;
  failures: number;
  retries: number;
  refusals: number;
  delivered: number;
  complaints: number;
}

type Counted = 'deferrals' | 'failures' | 'retries' | 'refusals' | 'delivered' | 'complaints';
const COUNTED: readonly Counted[] = ['deferrals', 'failures', 'retries', 'refusals', 'delivered', 'complaints'];

const HOUR_MS = 3_600_000;

export const hourOf = (at: number): number => Math.floor(at / HOUR_MS) * HOUR_MS;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** A reply is transient when its code says 4xx, or, with no code, when the classifier called it soft. */
export function isTransient(data: Record<string, unknown>): boolean {
  const enhanced = str(data.enhanced);
  if (enhanced) return enhanced.startsWith('4');
  const basic = num(data.basic);
  if (basic) return basic >= 400 && basic < 500;
  return data.type === 'soft';
}

/**
 * Reasons that are about one recipient's mailbox, not the server: a full mailbox, an account
 * suspended or over its quota, an unknown user answered with a 4xx. They count as deferrals like
 * any other, but open no incident, or one full mailbox would show a domain that takes every other
 * message as "down" until some later delivery there happened to succeed.
 */
export const RECIPIENT_REASONS: ReadonlySet<string> = new Set(['mailboxfull', 'exceedlimit', 'suspend', 'userunknown', 'hasmoved', 'filtered', 'vacation']);

/**
 * A transient failure that says the destination (not one mailbox) is in trouble. Greylisting does
 * not: a server that greylists refuses every first attempt from a new sender while working fine,
 * and would otherwise show a short "outage" for each.
 */
const isServerTrouble = (data: Record<string, unknown>): boolean => !RECIPIENT_REASONS.has(str(data.reason)) && data.greylisting !== true;

/** The code an incident lists: the enhanced code, else the basic one, else the reason. */
function codeOf(data: Record<string, unknown>): string {
  return str(data.enhanced) || (num(data.basic) ? String(num(data.basic)) : str(data.reason) || 'unknown');
}

/** Keeps the open incident per domain for the batch so consecutive events do not reread it. */
export class IncidentFolder {
  private readonly open = new Map<string, IncidentRecord | null>();
  private readonly dirty = new Set<IncidentRecord>();

  constructor(private readonly w: MetricsWriter) {}

  private current(domain: string): IncidentRecord | null {
    if (!this.open.has(domain)) this.open.set(domain, this.w.openIncident(domain));
    return this.open.get(domain)!;
  }

  failure(e: EventRecord, kind: 'deferral' | 'failure', attempt: number): void {
    const domain = e.domain ?? '';
    let inc = this.current(domain);
    if (!inc) {
      inc = this.w.insertIncident(domain, e.at);
      this.open.set(domain, inc);
    }
    const mx = str(e.data.destination);
    if (mx && !inc.mxHosts.includes(mx)) inc.mxHosts.push(mx);
    if (kind === 'deferral') inc.deferrals++;
    else inc.failures++;
    if (attempt > 1) inc.retries++;
    inc.lastFailureAt = Math.max(inc.lastFailureAt, e.at);
    const code = codeOf(e.data);
    inc.codes[code] = (inc.codes[code] ?? 0) + 1;
    if (e.recipient && this.w.addIncidentRecipient(inc.id, e.recipient)) inc.recipients++;
    this.dirty.add(inc);
  }

  success(e: EventRecord): void {
    const domain = e.domain ?? '';
    const inc = this.current(domain);
    if (!inc) return;
    inc.closedAt = e.at;
    this.dirty.add(inc);
    this.open.set(domain, null);
  }

  flush(): void {
    for (const inc of this.dirty) this.w.saveIncident(inc);
    this.dirty.clear();
  }
}

/** Applies one batch of events; the caller wraps it in a transaction with the cursor. */
export function foldEvents(events: readonly EventRecord[], w: MetricsWriter): void {
  const incidents = new IncidentFolder(w);
  const hourly = new Map<string, HourlyDelta>();
  // a delivery or a complaint carries no reply code: its row is keyed by what it is
  const bump = (e: EventRecord, d: Partial<Pick<HourlyDelta, Counted>>, as?: 'delivered' | 'feedback'): void => {
    const row: Omit<HourlyDelta, Counted> = {
      hour: hourOf(e.at), domain: e.domain ?? '', mxHost: str(e.data.destination),
      enhanced: as ? '' : str(e.data.enhanced), reason: as ?? str(e.data.reason),
    };
    const key = `${row.hour}\u0000${row.domain}\u0000${row.mxHost}\u0000${row.enhanced}\u0000${row.reason}`;
    let h = hourly.get(key);
    if (!h) hourly.set(key, (h = { ...row, deferrals: 0, failures: 0, retries: 0, refusals: 0, delivered: 0, complaints: 0 }));
    for (const k of COUNTED) h[k] += d[k] ?? 0;
  };
  for (const e of events) {
    if (!e.deliveryId) continue;
    if (e.type === 'delivery.deferred') {
      const attempt = num(e.data.attempt);
      bump(e, { deferrals: 1, retries: attempt > 1 ? 1 : 0 });
      if (isServerTrouble(e.data)) incidents.failure(e, 'deferral', attempt);
      w.addDeferred({
        deliveryId: e.deliveryId, recipient: e.recipient ?? '', domain: e.domain ?? '', firstDeferredAt: e.at,
        enhanced: str(e.data.enhanced), reason: str(e.data.reason),
      });
    } else if (e.type === 'delivery.failed') {
      const attempts = num(e.data.attempts);
      // Refused at submission: no reply, no attempt, nothing about the destination.
      if (e.data.cause === 'address-suppressed' || e.data.cause === 'address-unavailable') continue;
      const transient = isTransient(e.data);
      bump(e, { failures: transient ? 1 : 0, refusals: transient ? 0 : 1, retries: attempts > 1 ? 1 : 0 });
      if (transient && isServerTrouble(e.data)) incidents.failure(e, 'failure', attempts);
      // Only a delivery past its first attempt (or a bounce after delivery) can be in the cohort.
      if (attempts > 1 || e.data.cause === 'bounced-after-delivery') w.finishDeferred(e.deliveryId, 'failed', attempts, e.at);
    } else if (e.type === 'delivery.delivered') {
      const attempts = num(e.data.attempts);
      bump(e, { delivered: 1, retries: attempts > 1 ? 1 : 0 }, 'delivered');
      incidents.success(e);
      if (attempts > 1) w.finishDeferred(e.deliveryId, 'delivered', attempts, e.at);
    } else if (e.type === 'delivery.complained' && e.data.kind === 'spam') {
      // an unsubscribe is the recipient's wish, not a spam verdict: providers' complaint rates leave it out
      bump(e, { complaints: 1 }, 'feedback');
    }
  }
  incidents.flush();
  for (const h of hourly.values()) w.addHourly(h);
}
