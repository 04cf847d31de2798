import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { idTimeBound } from '../engine/ids.ts';
import type { Statement } from './sql/statement.ts';
import * as sql from './sql/retention.ts';

export const DAY_MS = 86_400_000;
/** The longest period a retention setting takes (a century): past it, "keep everything" is meant. */
export const MAX_RETENTION_DAYS = 36_500;

/** A store that can be pruned: statements run in one transaction, and plain reads. */
export interface RetentionTarget {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs the statements in order in ONE transaction; returns the rows each one changed. */
  pruneWrite(steps: ReadonlyArray<{ statement: Statement; values: Record<string, unknown> }>): Promise<number[]>;
  pruneRead(s: Statement, values: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
}

/** The store as a retention target; throws for a store that keeps no tables (a library's own). */
export function retentionTargetOf(store: object): RetentionTarget {
  if ('pruneWrite' in store && 'pruneRead' in store && 'dialect' in store) return store as RetentionTarget;
  throw new Error('pruning needs the SQLite or the PostgreSQL store');
}

export interface PruneOptions {
  /** Everything finished or recorded before this engine time (epoch ms) goes. */
  before: number;
  /** Rows per transaction (default 2,000). */
  batchSize?: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /**
   * Called before the outbox is read: the metrics fold (`Metrics.sync`), so events are counted in
   * the aggregates before they are deleted.
   */
  beforeEvents?: () => Promise<unknown>;
  /** Stops between batches (a server shutting down); what was deleted stays deleted. */
  signal?: AbortSignal;
}

export interface PruneReport {
  before: number;
  dryRun: boolean;
  deliveries: number;
  /** Attempts of the deleted deliveries (not counted by a dry run: null). */
  attempts: number | null;
  messages: number;
  events: number;
  webhookDeliveries: number;
  ingestKeys: number;
  quarantine: number;
  /**
   * Events newer than this id are kept whatever their age, because a reader of the outbox has not
   * read them yet (`heldBy` names it: the metrics fold or an outgoing-webhook cursor).
   */
  eventsKeptAfter: { eventId: number; heldBy: string };
  /** True when the signal stopped the run before it was done: the counts are what was deleted until then. */
  stopped: boolean;
}

/**
 * Deletes what is older than the cut-off and no longer needed to run: finished deliveries (with
 * their attempts), messages none of whose deliveries is left, outbox events every reader has
 * passed, sent or dead outgoing-webhook POSTs, ESP event ids kept against repeats, and
 * quarantined inbound mail. Kept whatever their age: addresses (the suppression list) and their
 * report history, destinations, waiting deliveries and their messages, and the metrics
 * aggregates, which summarise what is deleted (docs/http-api.md#retention).
 */
export async function pruneStore(target: RetentionTarget, options: PruneOptions): Promise<PruneReport> {
  const before = Math.floor(options.before);
  const limit = Math.max(1, Math.floor(options.batchSize ?? 2000));
  const bound = idTimeBound('dlv', before);
  const msgBound = idTimeBound('msg', before);
  await options.beforeEvents?.();
  const held = await outboxHeld(target);
  const safeId = held?.eventId ?? 0;
  const report: PruneReport = {
    before, dryRun: options.dryRun === true, deliveries: 0, attempts: null, messages: 0, events: 0,
    webhookDeliveries: 0, ingestKeys: 0, quarantine: 0, eventsKeptAfter: held, stopped: false,
  };
  if (options.dryRun) {
    const [c] = await target.pruneRead(sql.countPrunable, { bound, msgBound, before, safeId });
    report.deliveries = Number(c?.deliveries ?? 0);
    report.messages = Number(c?.messages ?? 0);
    report.events = Number(c?.events ?? 0);
    report.webhookDeliveries = Number(c?.webhook_deliveries ?? 0);
    report.ingestKeys = Number(c?.ingest_keys ?? 0);
    report.quarantine = Number(c?.quarantine ?? 0);
    return report;
  }
  report.attempts = 0;
  const stopped = () => options.signal?.aborted === true;

  // deliveries (and their attempts), a batch per transaction, walking the primary key
  for (let after = ''; !stopped();) {
    const [next] = await target.pruneRead(sql.nextDeliveryBatch, { after, bound, before, limit });
    const upto = next?.upto == null ? null : String(next.upto);
    if (upto === null) break;
    const range = { after, upto, bound, before };
    const attempts = target.dialect === 'sqlite'
      ? { statement: sql.deleteAttemptsByKeyRange, values: { ...range, uptoEnd: `${upto}$` } }
      : { statement: sql.deleteAttemptsByDelivery, values: range };
    const [a, d] = await target.pruneWrite([attempts, { statement: sql.deleteDeliveries, values: range }]);
    report.attempts += a!;
    report.deliveries += d!;
    after = upto;
    await yieldToLoop();
  }

  // messages none of whose deliveries is left
  for (let after = ''; !stopped();) {
    const [next] = await target.pruneRead(sql.nextMessageBatch, { after, bound: msgBound, limit });
    const upto = next?.upto == null ? null : String(next.upto);
    if (upto === null) break;
    const range = { after, upto };
    const [, m] = await target.pruneWrite([{ statement: sql.deleteResendTargets, values: range }, { statement: sql.deleteMessages, values: range }]);
    report.messages += m!;
    after = upto;
    await yieldToLoop();
  }

  report.events = await drain(target, sql.deleteEvents, { safeId, before, limit }, stopped);
  report.webhookDeliveries = await drain(target, sql.deleteWebhookDeliveries, { before, limit }, stopped);
  report.ingestKeys = await drain(target, sql.deleteIngestKeys, { before, limit }, stopped);
  report.quarantine = await drain(target, sql.deleteQuarantine, { before, limit }, stopped);
  report.stopped = stopped();
  return report;
}

/** Runs a `LIMIT @limit` delete until it deletes less than a batch. */
async function drain(target: RetentionTarget, s: Statement, values: Record<string, unknown> & { limit: number }, stopped: () => boolean): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const [n] = await target.pruneWrite([{ statement: s, values }]);
    total += n!;
    if (n! < values.limit) break;
    await yieldToLoop();
  }
  return total;
}

/**
 * The newest event every reader of the outbox has read: the metrics fold's cursor, and each
 * outgoing-webhook cursor (a dispatcher resumes from its cursor, so an event it has not read must
 * stay even while webhooks are switched off). No metrics cursor: nothing has been folded, keep all.
 */
async function outboxHeld(target: RetentionTarget): Promise<{ eventId: number; heldBy: string }> {
  const [m] = await target.pruneRead(sql.selectMetricsCursor, {});
  let held = { eventId: m ? Number(m.event_id) : 0, heldBy: 'metrics' };
  for (const w of await target.pruneRead(sql.selectWebhookCursors, {})) {
    if (Number(w.event_id) < held.eventId) held = { eventId: Number(w.event_id), heldBy: `outgoing webhooks, cursor ${String(w.name)}` };
  }
  return held;
}

/** "90d", "36h", "90" (days) → milliseconds; null when it is not such a duration. */
export function parseRetention(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(d|h|days?|hours?)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase().startsWith('h') ? 3_600_000 : DAY_MS;
  const ms = n * unit;
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_RETENTION_DAYS * DAY_MS ? ms : null;
}
