import Database from 'better-sqlite3';
import type { Change, ClaimRequest, DeliveryQuery, RecordItem, RecordState, Store, SubmitWrite } from '../store.ts';
import type {
  AddressRecord, AddressReportRecord, AttemptRecord, ClaimedDelivery, DeliveryRecord, DeliveryStatus, DestinationRecord,
  EventRecord, MessageRecord, NewEvent, TagSummary,
} from '../types.ts';
import type { Statement } from '../sql/statement.ts';
import * as deliveries from '../sql/deliveries.ts';
import * as messages from '../sql/messages.ts';
import * as attempts from '../sql/attempts.ts';
import { attemptKeyRange } from '../../engine/ids.ts';
import * as addresses from '../sql/addresses.ts';
import * as destinations from '../sql/destinations.ts';
import * as events from '../sql/events.ts';
import {
  addressParams, attemptParams, deliveryParams, rowToAddress, rowToAddressReport, rowToAttempt, rowToClaimed, rowToDelivery,
  rowToDestination, rowToEvent, rowToMessage, rowsToTagSummary, rowToTag,
} from '../rows.ts';
import { migrations } from './migrations/index.ts';
import { migrate } from './migrate.ts';
import type { RetentionTarget } from '../retention.ts';

export interface SqliteStoreOptions {
  /**
   * `full` (default): every commit is fsynced before it returns, so a submission that was
   * acknowledged survives a power cut, as an MTA's queue promises. `normal`: survives a crash or
   * kill -9 of the process (WAL frames are in the OS page cache), but the last commits may roll
   * back on power loss; faster on slow disks.
   */
  durability?: 'full' | 'normal';
  busyTimeoutMs?: number;
  /** Apply the migrations an existing database lacks (default true; `rebound serve`). False: refuse to open it. */
  upgrade?: boolean;
  /** Page cache per connection (SQLite's default is 2 MiB; the indexes of a million deliveries want more). */
  cacheMiB?: number;
  /**
   * WAL size in pages (4 KiB) that triggers a checkpoint. SQLite's default, 1000, checkpoints every
   * few batches of outcomes, and each checkpoint copies and fsyncs the same hot pages (index
   * leaves, the tails of attempts and events) again; 10,000 (~40 MiB of WAL) copies them once
   * per ten times as much work.
   */
  checkpointPages?: number;
}

/** Keys per `IN (…)` read: one statement per 64 rows instead of one per row. */
const KEYS_PER_SELECT = 64;

/** A prepared statement and the order of its `?`s: positional binding is much cheaper than by name. */
interface Prepared {
  stmt: Database.Statement;
  order: string[];
}

/**
 * Rows a record() transaction writes, together at its end: a few multi-row statements instead of
 * several per outcome. A delivery or address changed twice keeps its last state (the decisions
 * read the in-memory copies, never the table, in between).
 */
interface Pending {
  attempts: Record<string, unknown>[];
  attemptIds: Set<string>;
  deliveries: Map<string, Record<string, unknown>>;
  addresses: Map<string, Record<string, unknown>>;
  events: Record<string, unknown>[];
  tallies: Map<string, DestinationTally>;
}

const newPending = (): Pending => ({ attempts: [], attemptIds: new Set(), deliveries: new Map(), addresses: new Map(), events: [], tallies: new Map() });

/** Rows per multi-row INSERT: one statement instead of 64 saves most of the per-call cost. */
const ROWS_PER_INSERT = 64;

/** Counters for one destination, summed over a batch in order (see observe-destination). */
interface DestinationTally {
  domain: string;
  mxHost: string | null;
  attempts: number;
  successes: number;
  failures: number;
  trailingFailures: number;
  reply: string;
  at: number;
}

type Row = Record<string, unknown>;

/** The Store on one SQLite file through better-sqlite3 (synchronous; every method resolves at once). */
export class SqliteStore implements Store, RetentionTarget {
  readonly db: Database.Database;
  /** The migrations this open applied (to log an upgrade). */
  readonly migrated: number[] = [];
  private readonly prepared = new Map<Statement, Prepared>();
  private readonly preparedRows = new Map<string, Prepared>();
  private readonly preparedIn = new Map<Statement, { stmt: Database.Statement; columns: string[] }>();

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`cache_size = ${-Math.round((options.cacheMiB ?? 64) * 1024)}`);
      this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(options.checkpointPages ?? 10_000))}`);
      this.migrated = migrate(this.db, migrations, Date.now(), options.upgrade ?? true);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /**
   * SQLite's quick_check: null when the file is sound, else its first complaint. It reads every
   * page (about half a second per 400 MB here), so it is run once, when the server starts, not
   * per command: a file with a good header and damaged pages opens without complaint and
   * would otherwise fail only when the scheduler reaches the damage.
   */
  quickCheck(): string | null {
    return sqliteQuickCheck(this.db);
  }

  private prepare(s: Statement): Prepared {
    let p = this.prepared.get(s);
    if (!p) {
      const order: string[] = [];
      const sql = s.sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
        order.push(name);
        return '?';
      });
      p = { stmt: this.db.prepare(sql), order };
      this.prepared.set(s, p);
    }
    return p;
  }

  /** The values in `?` order; booleans become 0/1, undefined becomes NULL. */
  private args(p: Prepared, values: Record<string, unknown>): unknown[] {
    const out = new Array<unknown>(p.order.length);
    for (let i = 0; i < p.order.length; i++) {
      const v = values[p.order[i]!];
      out[i] = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    return out;
  }

  private run(s: Statement, values: Record<string, unknown> = {}): Database.RunResult {
    const p = this.prepare(s);
    return p.stmt.run(this.args(p, values));
  }
  private get(s: Statement, values: Record<string, unknown> = {}): Row | undefined {
    const p = this.prepare(s);
    return p.stmt.get(this.args(p, values)) as Row | undefined;
  }
  private all(s: Statement, values: Record<string, unknown> = {}): Row[] {
    const p = this.prepare(s);
    return p.stmt.all(this.args(p, values)) as Row[];
  }

  private readAddress(email: string): AddressRecord | null {
    const r = this.get(addresses.selectAddress, { email });
    return r ? rowToAddress(r) : null;
  }

  private readDelivery(id: string): DeliveryRecord | null {
    const r = this.get(deliveries.selectDelivery, { id });
    return r ? rowToDelivery(r) : null;
  }

  /**
   * A one-key SELECT (`WHERE col = @key`) turned into `WHERE col IN (?, … ×KEYS_PER_SELECT)`.
   * A short last chunk is padded with NULL, which matches nothing, so one statement serves all.
   */
  private prepareIn(s: Statement): { stmt: Database.Statement; columns: string[] } {
    let p = this.preparedIn.get(s);
    if (!p) {
      if (s.params.length !== 1) throw new Error(`statement ${s.name} is not a one-key select`);
      const sql = s.sql.replace(new RegExp(`=\\s*@${s.params[0]}\\b`), `IN (${Array(KEYS_PER_SELECT).fill('?').join(', ')})`);
      if (sql === s.sql) throw new Error(`statement ${s.name} has no "= @${s.params[0]}" to widen`);
      // Rows come back as arrays and become objects here: better-sqlite3 builds each row object
      // property by property on the native side, which costs twice as much for a wide row.
      const stmt = this.db.prepare(sql).raw(true);
      p = { stmt, columns: stmt.columns().map((c) => c.name) };
      this.preparedIn.set(s, p);
    }
    return p;
  }

  /** The rows of a one-key SELECT for many keys (distinct), KEYS_PER_SELECT per statement. */
  private selectMany(s: Statement, keys: Iterable<string>): Row[] {
    const { stmt, columns } = this.prepareIn(s);
    const distinct = [...new Set(keys)];
    const out: Row[] = [];
    for (let i = 0; i < distinct.length; i += KEYS_PER_SELECT) {
      const args = new Array<unknown>(KEYS_PER_SELECT).fill(null);
      for (let k = 0; k < KEYS_PER_SELECT && i + k < distinct.length; k++) args[k] = distinct[i + k];
      for (const values of stmt.all(args) as unknown[][]) {
        const row: Row = {};
        for (let c = 0; c < columns.length; c++) row[columns[c]!] = values[c];
        out.push(row);
      }
    }
    return out;
  }

  /**
   * A statement with one `VALUES (…)` tuple (a plain INSERT, an upsert, a CTE of VALUES) with that
   * tuple repeated for `k` rows; the rest of the text stays as it is.
   */
  private prepareRows(s: Statement, k: number): Prepared {
    const key = `${s.name}*${k}`;
    let p = this.preparedRows.get(key);
    if (!p) {
      const open = s.sql.indexOf('(', s.sql.lastIndexOf('VALUES'));
      let close = open;
      for (let depth = 0; close < s.sql.length; close++) {
        if (s.sql[close] === '(') depth++;
        else if (s.sql[close] === ')' && --depth === 0) break;
      }
      const before = s.sql.slice(0, open);
      const after = s.sql.slice(close + 1);
      if (open < 0 || close >= s.sql.length || /@[A-Za-z_]/.test(before + after)) throw new Error(`statement ${s.name} has no single VALUES tuple holding all its parameters`);
      const order: string[] = [];
      const tuple = s.sql.slice(open, close + 1).replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
        order.push(name);
        return '?';
      });
      p = { stmt: this.db.prepare(`${before}${Array(k).fill(tuple).join(', ')}${after}`), order };
      this.preparedRows.set(key, p);
    }
    return p;
  }

  /**
   * Runs a one-tuple statement (`prepareRows`) for every row in order: ROWS_PER_INSERT rows per
   * call, then the remainder in power-of-two pieces (100 rows: 64 + 32 + 4, three calls, not 37).
   */
  private insertRows(s: Statement, rows: readonly Record<string, unknown>[]): void {
    let i = 0;
    for (let k = ROWS_PER_INSERT; k >= 1; k >>= 1) {
      if (rows.length - i < k) continue;
      const p = this.prepareRows(s, k);
      for (; i + k <= rows.length; i += k) {
        const args: unknown[] = [];
        for (let r = i; r < i + k; r++) for (const v of this.args(p, rows[r]!)) args.push(v);
        p.stmt.run(args);
      }
    }
  }

  private flush(pending: Pending): void {
    this.insertRows(deliveries.updateDeliveries, [...pending.deliveries.values()]);
    this.insertRows(addresses.upsertAddress, [...pending.addresses.values()]);
    this.insertRows(attempts.insertAttempt, pending.attempts);
    this.insertRows(events.insertEvent, pending.events);
    for (const t of pending.tallies.values()) this.run(destinations.observeDestination, { ...t });
  }

  private write(change: Change, pending: Pending): void {
    if (change.attempt) {
      pending.attempts.push(attemptParams(change.attempt));
      pending.attemptIds.add(change.attempt.id);
    }
    if (change.report) this.run(addresses.insertAddressReport, { ...change.report });
    if (change.delivery) {
      pending.deliveries.delete(change.delivery.id); // re-added last: the rows stay in decision order
      pending.deliveries.set(change.delivery.id, deliveryParams(change.delivery));
    }
    if (change.address) {
      pending.addresses.delete(change.address.email);
      pending.addresses.set(change.address.email, addressParams(change.address));
    }
    if (change.destination) {
      const o = change.destination;
      let t = pending.tallies.get(o.domain);
      if (!t) pending.tallies.set(o.domain, (t = { domain: o.domain, mxHost: null, attempts: 0, successes: 0, failures: 0, trailingFailures: 0, reply: '', at: 0 }));
      t.attempts++;
      if (o.success) {
        t.successes++;
        t.trailingFailures = 0;
      } else {
        t.failures++;
        t.trailingFailures++;
      }
      t.mxHost = o.mxHost ?? t.mxHost;
      t.reply = o.reply;
      t.at = Math.max(t.at, o.at);
    }
    for (const e of change.events) pending.events.push({ ...e, data: JSON.stringify(e.data) });
  }

  async submit(emails: string[], plan: (addresses: ReadonlyMap<string, AddressRecord>) => SubmitWrite): Promise<SubmitWrite> {
    const tx = this.db.transaction(() => {
      const known = new Map<string, AddressRecord>();
      for (const email of emails) {
        const a = this.readAddress(email);
        if (a) known.set(email, a);
      }
      const w = plan(known);
      this.run(messages.insertMessage, { ...w.message });
      this.insertRows(deliveries.insertDelivery, w.deliveries.map(deliveryParams));
      this.insertRows(addresses.upsertAddress, [...new Map(w.addresses.map((a) => [a.email, addressParams(a)])).values()]);
      this.insertRows(events.insertEvent, w.events.map((e) => ({ ...e, data: JSON.stringify(e.data) })));
      return w;
    });
    return tx.immediate();
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    if (request.limit <= 0) return [];
    const tx = this.db.transaction(() => this.all(deliveries.claimDueDeliveries, { ...request }));
    // A lease need not survive a power cut: lost, it only lets the deliveries be claimed again,
    // as when a worker dies holding it. So the claim skips the fsync; the next FULL commit
    // (the batch's outcomes) syncs the WAL, claim frames included.
    const level = Number(this.db.pragma('synchronous', { simple: true }));
    if (level >= 2) this.db.pragma('synchronous = NORMAL');
    let rows: Row[];
    try {
      rows = tx.immediate();
    } finally {
      if (level >= 2) this.db.pragma(`synchronous = ${level}`);
    }
    return rows.map(rowToClaimed)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : 1));
  }

  async record<T extends RecordItem>(items: readonly T[], decide: (item: T, state: RecordState) => Change | null): Promise<Array<Change | null>> {
    const tx = this.db.transaction(() => {
      const pending = newPending();
      // The rows every item needs, read up front in a few IN (…) statements; a change written
      // below replaces its row here, so a later item on the same delivery or address sees it.
      const recorded = new Set(this.selectMany(attempts.selectAttemptIdsIn, items.flatMap((i) => (i.attemptId === null ? [] : [i.attemptId]))).map((r) => String(r.id)));
      const known = new Map(this.selectMany(deliveries.selectDelivery, items.map((i) => i.deliveryId)).map((r) => [String(r.id), rowToDelivery(r)]));
      const people = new Map(this.selectMany(addresses.selectAddress, [...known.values()].map((d) => d.recipient)).map((r) => [String(r.email), rowToAddress(r)]));
      const changes = items.map((item) => {
        if (item.attemptId !== null && (pending.attemptIds.has(item.attemptId) || recorded.has(item.attemptId))) return null;
        const delivery = known.get(item.deliveryId) ?? null;
        const address = delivery ? people.get(delivery.recipient) ?? null : null;
        const change = decide(item, { delivery, address });
        if (change) {
          this.write(change, pending);
          if (change.delivery) known.set(change.delivery.id, change.delivery);
          if (change.address) people.set(change.address.email, change.address);
        }
        return change;
      });
      this.flush(pending);
      return changes;
    });
    return tx.immediate();
  }

  async changeAddress(email: string, reportId: string | null, decide: (address: AddressRecord | null) => Change | null): Promise<Change | null> {
    const tx = this.db.transaction(() => {
      if (reportId !== null && this.get(addresses.selectAddressReportExists, { id: reportId })) return null;
      const change = decide(this.readAddress(email));
      if (change) {
        const pending = newPending();
        this.write(change, pending);
        this.flush(pending);
      }
      return change;
    });
    return tx.immediate();
  }

  async changeAddresses(emails: readonly string[], decide: (email: string, address: AddressRecord | null) => Change | null): Promise<Array<Change | null>> {
    const tx = this.db.transaction(() => {
      const pending = newPending();
      const out = emails.map((email) => {
        const change = decide(email, this.readAddress(email));
        if (change) this.write(change, pending);
        return change;
      });
      this.flush(pending);
      return out;
    });
    return tx.immediate();
  }

  async dueReactivations(now: number, limit: number): Promise<string[]> {
    return this.all(addresses.selectDueReactivations, { now, limit }).map((r) => String(r.email));
  }

  async dueDelayWarnings(now: number, limit: number): Promise<string[]> {
    return this.all(deliveries.selectDueDelayWarnings, { now, limit }).map((r) => String(r.id));
  }

  async nextDueAt(): Promise<number | null> {
    const r = this.get(deliveries.selectNextDueAt);
    return r?.at === null || r?.at === undefined ? null : Number(r.at);
  }

  async getMessage(id: string): Promise<MessageRecord | null> {
    const r = this.get(messages.selectMessage, { id });
    return r ? rowToMessage(r) : null;
  }

  async tagSummary(tag: string): Promise<TagSummary | null> {
    return rowsToTagSummary(tag, this.get(messages.selectTagMessages, { tag }), this.all(messages.selectTagDeliveries, { tag }));
  }

  async listTags(limit: number): Promise<Array<{ tag: string; messages: number; firstAt: number; lastAt: number }>> {
    return this.all(messages.selectTags, { limit }).map(rowToTag);
  }

  async getMessages(ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    const out = new Map<string, MessageRecord>();
    for (const id of new Set(ids)) {
      const r = this.get(messages.selectMessage, { id });
      if (r) out.set(id, rowToMessage(r));
    }
    return out;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    return this.readDelivery(id);
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const q = deliveries.deliveryListQuery(query);
    return this.all(q.statement, q.values).map(rowToDelivery);
  }

  async countDeliveries(): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { queued: 0, deferred: 0, delivered: 0, failed: 0 };
    for (const r of this.all(deliveries.countDeliveriesByStatus)) counts[r.status as DeliveryStatus] = Number(r.n);
    return counts;
  }

  async countWaiting(): Promise<Pick<Record<DeliveryStatus, number>, 'queued' | 'deferred'>> {
    const counts = { queued: 0, deferred: 0 };
    for (const r of this.all(deliveries.countWaitingByStatus)) counts[r.status as 'queued' | 'deferred'] = Number(r.n);
    return counts;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async latestTime(): Promise<number | null> {
    const [r] = this.all(deliveries.selectLatestTime);
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  async listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return this.all(attempts.selectAttemptsByKey, attemptKeyRange(deliveryId)).map(rowToAttempt);
  }

  async getAddress(email: string): Promise<AddressRecord | null> {
    return this.readAddress(email);
  }

  async listAddressReports(email: string): Promise<AddressReportRecord[]> {
    return this.all(addresses.selectAddressReports, { email }).map(rowToAddressReport);
  }

  async listEvents(afterId: number, limit: number): Promise<EventRecord[]> {
    return this.all(events.selectEventsAfter, { afterId, limit }).map(rowToEvent);
  }

  async getDestination(domain: string): Promise<DestinationRecord | null> {
    const r = this.get(destinations.selectDestination, { domain });
    return r ? rowToDestination(r) : null;
  }

  async listDestinations(): Promise<DestinationRecord[]> {
    return this.all(destinations.selectDestinations).map(rowToDestination);
  }

  async strikeDestination(domain: string, reset: boolean, at: number): Promise<{ strikes: number; health: DestinationRecord['health']; suspendedUntil: number | null }> {
    const r = this.get(destinations.strikeDestination, { domain, reset: reset ? 1 : 0, at })!;
    return { strikes: Number(r.strikes), health: r.health as DestinationRecord['health'], suspendedUntil: r.suspended_until === null ? null : Number(r.suspended_until) };
  }

  async updateDestinationHealth(domain: string, health: Pick<DestinationRecord, 'health' | 'suspendedUntil'> & Partial<Pick<DestinationRecord, 'strikes' | 'level'>>, at: number, newEvents: readonly NewEvent[] = []): Promise<void> {
    const tx = this.db.transaction(() => {
      this.run(destinations.updateDestinationHealth, { domain, health: health.health, suspendedUntil: health.suspendedUntil, strikes: health.strikes ?? 0, level: health.level ?? 0, at });
      for (const e of newEvents) this.run(events.insertEvent, { ...e, data: JSON.stringify(e.data) });
    });
    tx.immediate();
  }

  readonly dialect = 'sqlite';

  /** Retention (src/store/retention.ts): statements in one transaction, rows changed by each. */
  async pruneWrite(steps: ReadonlyArray<{ statement: Statement; values: Record<string, unknown> }>): Promise<number[]> {
    const tx = this.db.transaction(() => steps.map((s) => this.run(s.statement, s.values).changes));
    // Deleting a delivery makes SQLite look for attempts that still reference it, and attempts
    // have no index on delivery_id (migration 7): a scan of every attempt per delivery deleted.
    // The batch deletes a delivery's attempts before it, so the check can be off for it. Nothing
    // else runs in between: the three calls are synchronous.
    this.db.pragma('foreign_keys = OFF');
    try {
      return tx.immediate();
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  async pruneRead(s: Statement, values: Record<string, unknown>): Promise<Row[]> {
    return this.all(s, values);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** SQLite's quick_check over any open database: null when sound, else its first complaint. */
export function sqliteQuickCheck(db: Database.Database): string | null {
  try {
    const [row] = db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
    return row?.quick_check === 'ok' ? null : row?.quick_check ?? 'quick_check returned nothing';
  } catch (err) {
    return (err as Error).message;
  }
}
