import { storeUnavailable } from '../unavailable.ts';
import pg from 'pg';
import type { Change, ClaimRequest, DeliveryQuery, RecordItem, RecordState, Store, SubmitWrite } from '../store.ts';
import type {
  AddressRecord, AddressReportRecord, AttemptRecord, ClaimedDelivery, DeliveryRecord, DeliveryStatus, DestinationRecord,
  EventRecord, MessageRecord, NewEvent, TagSummary,
} from '../types.ts';
import { toNumbered, type Statement } from '../sql/statement.ts';
import * as deliveries from '../sql/deliveries.ts';
import * as messages from '../sql/messages.ts';
import * as attempts from '../sql/attempts.ts';
import * as addresses from '../sql/addresses.ts';
import * as destinations from '../sql/destinations.ts';
import * as events from '../sql/events.ts';
import * as pgsql from './sql/claims.ts';
import {
  addressParams, attemptParams, deliveryParams, rowToAddress, rowToAddressReport, rowToAttempt, rowToClaimed, rowToDelivery,
  rowToDestination, rowToEvent, rowToMessage, rowsToTagSummary, rowToTag,
} from '../rows.ts';
import { migrations } from './migrations/index.ts';
import { migrate, quoteIdent } from './migrate.ts';
import { tallyObservation, type DestinationTally } from './tally.ts';
import type { RetentionTarget } from '../retention.ts';

export interface PostgresStoreOptions {
  /** Tables live in this schema (created if missing); default: the connection's search_path (public). */
  schema?: string;
  /** Connections per node. */
  poolSize?: number;
  /** NOTIFY channel that wakes idle workers when a submission adds work. */
  channel?: string;
  /** Apply the migrations an existing schema lacks (default true; `rebound serve`). False: refuse it. */
  upgrade?: boolean;
}

type Row = Record<string, unknown>;
type Client = pg.PoolClient;

/** Errors after which the whole transaction is safe to run again (its decisions are pure). */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_TRIES = 5;
/** Rows per multi-row INSERT (PostgreSQL takes at most 65,535 parameters per statement). */
const ROWS_PER_INSERT = 200;

/** `postgres://user:secret@host/db` → `postgres://user:…@host/db`, for messages and logs. */
/** A checked-out pool client and how to give it back (with the error that broke it, if one did). */
export interface CheckedOut {
  client: Client;
  release: (err?: unknown) => void;
}

export function redactUrl(url: string): string {
  // parsed as pg parses it: the userinfo ends at the last "@", and a password may also come as
  // ?password=; what does not parse is cut after the scheme rather than risk echoing a secret
  try {
    const u = new URL(url);
    if (u.password) u.password = '…';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '…');
    return u.toString().replace(/%E2%80%A6/g, '…');
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
    return `${scheme}… (a URL that does not parse)`;
  }
}

/**
 * The Store on PostgreSQL through pg, for several nodes sharing one database. The same
 * statements as SQLite (src/store/sql/) except the claim (FOR UPDATE SKIP LOCKED) and the locks
 * that make concurrent nodes take turns on one delivery, one address, and the outbox.
 * The constructor does not touch the network; the first call connects and migrates.
 */
export class PostgresStore implements Store, RetentionTarget {
  readonly pool: pg.Pool;
  readonly schema: string | null;
  readonly channel: string;
  private readonly ready: Promise<void>;
  private listener: pg.Client | null = null;
  /** The migrations the first connection applied (to log an upgrade). */
  migrated: number[] = [];
  private readonly upgrade: boolean;
  private closed = false;

  constructor(readonly url: string, options: PostgresStoreOptions = {}) {
    this.schema = options.schema ?? null;
    this.upgrade = options.upgrade ?? true;
    this.channel = options.channel ?? 'rebound_work';
    const searchPath = this.schema === null ? undefined : `-c search_path=${quoteIdent(this.schema)}`;
    this.pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4, options: searchPath });
    // A dropped idle connection must not crash the process; the next query opens a new one.
    this.pool.on('error', () => {});
    this.ready = this.connect();
    this.ready.catch(() => {});
  }

  private async connect(): Promise<void> {
    let held: CheckedOut;
    try {
      held = await this.checkout();
    } catch (err) {
      throw new Error(`cannot reach PostgreSQL at ${redactUrl(this.url)}: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.migrated = await migrate(held.client, migrations, this.schema, Date.now(), this.upgrade);
    } finally {
      held.release();
    }
  }

  /**
   * A pool client for several statements. While it is checked out the pool no longer listens for
   * its errors, and a connection the server ends between two statements (a restart, an
   * administrator's pg_terminate_backend) would emit an 'error' nobody hears and stop the
   * process. The listener here keeps the error, and `release` destroys such a client instead of
   * handing a dead connection to the next caller.
   */
  async checkout(): Promise<CheckedOut> {
    const client = await this.pool.connect();
    let broken: Error | null = null;
    const onError = (err: Error) => { broken = err; };
    client.on('error', onError);
    let released = false;
    return {
      client,
      release: (err?: unknown) => {
        if (released) return;
        released = true;
        client.off('error', onError);
        const fatal = broken ?? (storeUnavailable(err) ? (err as Error) : null);
        client.release(fatal ?? undefined);
      },
    };
  }

  /** Resolves once connected and migrated (for code beside the store that uses `pool` directly). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async query(s: Statement, values: Record<string, unknown> = {}, client?: Client): Promise<Row[]> {
    const { text, values: args } = toNumbered(s, values);
    const r = await (client ?? this.pool).query({ name: s.name, text, values: args });
    return r.rows as Row[];
  }

  /** Runs `work` in one transaction, again from the start after a deadlock or serialization failure. */
  async transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const { client, release } = await this.checkout();
      let failure: unknown;
      try {
        await client.query('BEGIN');
        const out = await work(client);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        failure = err;
        await client.query('ROLLBACK').catch(() => {});
        if (attempt < MAX_TRIES && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
        throw err;
      } finally {
        release(failure);
      }
    }
  }

  private async read(s: Statement, values: Record<string, unknown> = {}): Promise<Row[]> {
    await this.ready;
    return this.query(s, values);
  }

  private async appendEvents(client: Client, list: readonly NewEvent[]): Promise<void> {
    if (list.length === 0) return;
    await this.query(pgsql.lockOutbox, {}, client);
    await this.insertRows(client, events.insertEvent, list.map((e) => ({ ...e, data: JSON.stringify(e.data) })));
  }

  /**
   * Appends rows with one multi-row INSERT per ROWS_PER_INSERT (a round trip per row is most of
   * the cost on a network database). The statement's VALUES tuple is repeated with renumbered
   * parameters; rows keep their order, so event ids follow it.
   */
  private async insertRows(client: Client, s: Statement, rows: readonly Record<string, unknown>[]): Promise<void> {
    const at = s.sql.lastIndexOf('VALUES');
    const tuple = s.sql.slice(at + 6).trim();
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      const values: unknown[] = [];
      const tuples = chunk.map((row, r) => {
        for (const p of s.params) values.push(row[p] ?? null);
        return tuple.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => `$${r * s.params.length + s.params.indexOf(name) + 1}`);
      });
      await client.query(`${s.sql.slice(0, at)}VALUES ${tuples.join(', ')}`, values);
    }
  }

  private async readAddresses(client: Client, emails: readonly string[], lock: boolean): Promise<Map<string, AddressRecord>> {
    const unique = [...new Set(emails)].sort();
    if (unique.length === 0) return new Map();
    if (lock) await this.query(pgsql.lockAddresses, { emails: unique }, client);
    const rows = await this.query(pgsql.selectAddresses, { emails: unique }, client);
    return new Map(rows.map((r) => [String(r.email), rowToAddress(r)]));
  }

  async submit(emails: string[], plan: (addresses: ReadonlyMap<string, AddressRecord>) => SubmitWrite): Promise<SubmitWrite> {
    return this.transaction(async (client) => {
      const known = await this.readAddresses(client, emails, true);
      const w = plan(known);
      await this.query(messages.insertMessage, { ...w.message }, client);
      await this.insertRows(client, deliveries.insertDelivery, w.deliveries.map(deliveryParams));
      for (const a of w.addresses) await this.query(addresses.upsertAddress, addressParams(a), client);
      await this.appendEvents(client, w.events);
      // Delivered at commit: idle workers on other nodes look for due work at once.
      if (w.deliveries.length > 0) await this.query(pgsql.notifyWork, { channel: this.channel }, client);
      return w;
    });
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    await this.ready;
    const rows = await this.query(pgsql.claimDueDeliveries, { ...request });
    return rows.map(rowToClaimed)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : 1));
  }

  async record<T extends RecordItem>(items: readonly T[], decide: (item: T, state: RecordState) => Change | null): Promise<Array<Change | null>> {
    if (items.length === 0) return [];
    return this.transaction(async (client) => {
      // Locks first (deliveries, then addresses, each in sorted order), then the idempotency check,
      // so a node that waited for another's batch sees the attempts it committed.
      const locked = await this.query(pgsql.lockDeliveries, { ids: [...new Set(items.map((i) => i.deliveryId))] }, client);
      const byId = new Map(locked.map((r) => [String(r.id), rowToDelivery(r)]));
      const known = await this.readAddresses(client, [...byId.values()].map((d) => d.recipient), true);
      const attemptIds = items.flatMap((i) => (i.attemptId === null ? [] : [i.attemptId]));
      const seen = new Set(attemptIds.length === 0 ? [] : (await this.query(pgsql.selectAttemptsExisting, { ids: attemptIds }, client)).map((r) => String(r.id)));
      const writes: Change[] = [];
      const changes = items.map((item) => {
        if (item.attemptId !== null && seen.has(item.attemptId)) return null;
        const delivery = byId.get(item.deliveryId) ?? null;
        const address = delivery ? known.get(delivery.recipient) ?? null : null;
        const change = decide(item, { delivery, address });
        if (!change) return null;
        // Later items in the batch see this one's effects, as they do on SQLite.
        if (change.attempt) seen.add(change.attempt.id);
        if (change.delivery) byId.set(change.delivery.id, change.delivery);
        if (change.address) known.set(change.address.email, change.address);
        writes.push(change);
        return change;
      });
      await this.write(client, writes);
      return changes;
    });
  }

  private async write(client: Client, changes: readonly Change[]): Promise<void> {
    const tallies = new Map<string, DestinationTally>();
    const newEvents: NewEvent[] = [];
    const newAttempts: Record<string, unknown>[] = [];
    // The last state written for each delivery in the batch (a later item may change it again).
    const newStates = new Map<string, Record<string, unknown>>();
    for (const change of changes) {
      if (change.report) await this.query(addresses.insertAddressReport, { ...change.report }, client);
      if (change.delivery) newStates.set(change.delivery.id, deliveryParams(change.delivery));
      if (change.address) await this.query(addresses.upsertAddress, addressParams(change.address), client);
      if (change.attempt) newAttempts.push(attemptParams(change.attempt));
      if (change.destination) tallyObservation(tallies, change.destination);
      newEvents.push(...change.events);
    }
    if (newStates.size > 0) {
      const rows = [...newStates.values()];
      const columns: Record<string, unknown[]> = {};
      for (const p of pgsql.updateDeliveries.params) columns[p] = rows.map((r) => r[p] ?? null);
      await this.query(pgsql.updateDeliveries, columns, client);
    }
    await this.insertRows(client, attempts.insertAttempt, newAttempts);
    // Sorted: one lock order on destination rows for every node.
    for (const t of [...tallies.values()].sort((a, b) => (a.domain < b.domain ? -1 : 1))) {
      await this.query(destinations.observeDestination, { ...t }, client);
    }
    await this.appendEvents(client, newEvents);
  }

  async changeAddress(email: string, reportId: string | null, decide: (address: AddressRecord | null) => Change | null): Promise<Change | null> {
    return this.transaction(async (client) => {
      const known = await this.readAddresses(client, [email], true);
      if (reportId !== null && (await this.query(addresses.selectAddressReportExists, { id: reportId }, client)).length > 0) return null;
      const change = decide(known.get(email) ?? null);
      if (change) await this.write(client, [change]);
      return change;
    });
  }

  async changeAddresses(emails: readonly string[], decide: (email: string, address: AddressRecord | null) => Change | null): Promise<Array<Change | null>> {
    return this.transaction(async (client) => {
      const known = await this.readAddresses(client, emails, true);
      const out = emails.map((email) => decide(email, known.get(email) ?? null));
      const made = out.filter((c): c is Change => c !== null);
      if (made.length) await this.write(client, made);
      return out;
    });
  }

  async dueReactivations(now: number, limit: number): Promise<string[]> {
    return (await this.read(addresses.selectDueReactivations, { now, limit })).map((r) => String(r.email));
  }

  async dueDelayWarnings(now: number, limit: number): Promise<string[]> {
    return (await this.read(deliveries.selectDueDelayWarnings, { now, limit })).map((r) => String(r.id));
  }

  async nextDueAt(): Promise<number | null> {
    const [r] = await this.read(deliveries.selectNextDueAt);
    return r?.at === null || r?.at === undefined ? null : Number(r.at);
  }

  async getMessage(id: string): Promise<MessageRecord | null> {
    const [r] = await this.read(messages.selectMessage, { id });
    return r ? rowToMessage(r) : null;
  }

  async tagSummary(tag: string): Promise<TagSummary | null> {
    const [head] = await this.read(messages.selectTagMessages, { tag });
    return rowsToTagSummary(tag, head, await this.read(messages.selectTagDeliveries, { tag }));
  }

  async listTags(limit: number): Promise<Array<{ tag: string; messages: number; firstAt: number; lastAt: number }>> {
    return (await this.read(messages.selectTags, { limit })).map(rowToTag);
  }

  async getMessages(ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    const out = new Map<string, MessageRecord>();
    for (const id of new Set(ids)) {
      const m = await this.getMessage(id);
      if (m) out.set(id, m);
    }
    return out;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const [r] = await this.read(deliveries.selectDelivery, { id });
    return r ? rowToDelivery(r) : null;
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const q = deliveries.deliveryListQuery(query);
    return (await this.read(q.statement, q.values)).map(rowToDelivery);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async latestTime(): Promise<number | null> {
    const [r] = await this.read(deliveries.selectLatestTime);
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  async countDeliveries(): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { queued: 0, deferred: 0, delivered: 0, failed: 0 };
    for (const r of await this.read(deliveries.countDeliveriesByStatus)) counts[r.status as DeliveryStatus] = Number(r.n);
    return counts;
  }

  async countWaiting(): Promise<Pick<Record<DeliveryStatus, number>, 'queued' | 'deferred'>> {
    const counts = { queued: 0, deferred: 0 };
    for (const r of await this.read(deliveries.countWaitingByStatus)) counts[r.status as 'queued' | 'deferred'] = Number(r.n);
    return counts;
  }

  async listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return (await this.read(attempts.selectAttempts, { deliveryId })).map(rowToAttempt);
  }

  async getAddress(email: string): Promise<AddressRecord | null> {
    const [r] = await this.read(addresses.selectAddress, { email });
    return r ? rowToAddress(r) : null;
  }

  async listAddressReports(email: string): Promise<AddressReportRecord[]> {
    return (await this.read(addresses.selectAddressReports, { email })).map(rowToAddressReport);
  }

  async listEvents(afterId: number, limit: number): Promise<EventRecord[]> {
    return (await this.read(events.selectEventsAfter, { afterId, limit })).map(rowToEvent);
  }

  async getDestination(domain: string): Promise<DestinationRecord | null> {
    const [r] = await this.read(destinations.selectDestination, { domain });
    return r ? rowToDestination(r) : null;
  }

  async listDestinations(): Promise<DestinationRecord[]> {
    return (await this.read(destinations.selectDestinations)).map(rowToDestination);
  }

  async strikeDestination(domain: string, reset: boolean, at: number): Promise<{ strikes: number; health: DestinationRecord['health']; suspendedUntil: number | null }> {
    const [r] = await this.query(destinations.strikeDestination, { domain, reset: reset ? 1 : 0, at });
    return { strikes: Number(r!.strikes), health: r!.health as DestinationRecord['health'], suspendedUntil: r!.suspended_until === null ? null : Number(r!.suspended_until) };
  }

  async updateDestinationHealth(domain: string, health: Pick<DestinationRecord, 'health' | 'suspendedUntil'> & Partial<Pick<DestinationRecord, 'strikes' | 'level'>>, at: number, newEvents: readonly NewEvent[] = []): Promise<void> {
    await this.transaction(async (client) => {
      await this.query(destinations.updateDestinationHealth, { domain, health: health.health, suspendedUntil: health.suspendedUntil, strikes: health.strikes ?? 0, level: health.level ?? 0, at }, client);
      await this.appendEvents(client, newEvents);
    });
  }

  readonly dialect = 'postgres';

  /** Retention (src/store/retention.ts): statements in one transaction, rows changed by each. */
  async pruneWrite(steps: ReadonlyArray<{ statement: Statement; values: Record<string, unknown> }>): Promise<number[]> {
    return this.transaction(async (client) => {
      const changed: number[] = [];
      for (const s of steps) {
        const { text, values } = toNumbered(s.statement, s.values);
        changed.push((await client.query({ name: s.statement.name, text, values })).rowCount ?? 0);
      }
      return changed;
    });
  }

  async pruneRead(s: Statement, values: Record<string, unknown>): Promise<Row[]> {
    return this.read(s, values);
  }

  /** Keeps an unreadable inbound email (see src/server/quarantine.ts), the oldest beyond `maxKept` dropped. */
  async keepQuarantined(row: { id: string; at: number; why: string; envelope: string; raw: Buffer }, maxKept: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('INSERT INTO inbound_quarantine (id, at, why, envelope, raw) VALUES ($1, $2, $3, $4, $5)', [row.id, row.at, row.why, row.envelope, row.raw]);
      await client.query('DELETE FROM inbound_quarantine WHERE id IN (SELECT id FROM inbound_quarantine ORDER BY at DESC, id OFFSET $1)', [maxKept]);
    });
  }

  async listQuarantined(limit: number): Promise<Array<{ id: string; at: number; why: string; envelope: string; size: number }>> {
    await this.ready;
    const r = await this.pool.query('SELECT id, at, why, envelope, octet_length(raw) AS size FROM inbound_quarantine ORDER BY at DESC LIMIT $1', [limit]);
    return r.rows.map((x: Row) => ({ id: String(x.id), at: Number(x.at), why: String(x.why), envelope: String(x.envelope), size: Number(x.size) }));
  }

  async quarantinedRaw(id: string): Promise<Buffer | null> {
    await this.ready;
    const r = await this.pool.query('SELECT raw FROM inbound_quarantine WHERE id = $1', [id]);
    return (r.rows[0]?.raw as Buffer | undefined) ?? null;
  }

  /**
   * A cluster-wide concurrency slot at `domain`: true when fewer than `limit` live slots were
   * held and this holder now has one until `lockedUntil`. A node that dies frees its slots when
   * their lease ends.
   */
  async acquireSlot(domain: string, holder: string, limit: number, now: number, lockedUntil: number): Promise<boolean> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [0x5246, domain]);
      await this.query(pgsql.sweepSlots, { domain, now }, client);
      return (await this.query(pgsql.acquireSlot, { domain, holder, lockedUntil, now, limit }, client)).length > 0;
    });
  }

  async releaseSlot(domain: string, holder: string): Promise<void> {
    await this.read(pgsql.releaseSlot, { domain, holder });
  }

  async slotsInUse(domain: string, now: number): Promise<number> {
    const [r] = await this.read(pgsql.countSlots, { domain, now });
    return Number(r?.n ?? 0);
  }

  /**
   * Calls `onWork` whenever any node submits new deliveries (LISTEN on a connection of its own).
   * Resolves once listening. Idle schedulers still poll (`idleMs`): a missed notification only
   * delays work until the next poll.
   */
  async listen(onWork: () => void): Promise<void> {
    await this.ready;
    if (this.listener) throw new Error('already listening');
    await this.openListener(onWork);
  }

  /**
   * The LISTEN connection. When the server ends it (a restart, a terminated backend) it is opened
   * again a second later, and `onWork` runs once, since a notification may have been missed
   * meanwhile; until then the scheduler's own polling still finds the work.
   */
  private async openListener(onWork: () => void): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    let lost = false;
    const reopen = () => {
      if (lost || this.closed) return;
      lost = true;
      this.listener = null;
      client.end().catch(() => {});
      const retry = () => {
        if (this.closed) return;
        this.openListener(onWork).then(onWork, () => setTimeout(retry, 1000).unref());
      };
      setTimeout(retry, 1000).unref();
    };
    client.on('error', reopen);
    client.on('end', reopen);
    client.on('notification', (n) => {
      if (n.channel === this.channel) onWork();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (err) {
      lost = true; // the caller retries (or reports) this one; the listeners above must not
      await client.end().catch(() => {});
      throw err;
    }
    this.listener = client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.end().catch(() => {});
    await this.ready.catch(() => {});
    await this.pool.end();
  }
}
