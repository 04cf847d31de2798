import Database from 'better-sqlite3';
import type { Change, ClaimRequest, DeliveryQuery, RecordItem, RecordState, Store, SubmitWrite } from '../store.ts';
import type {
  AddressRecord, AddressReportRecord, AttemptRecord, DeliveryRecord, DeliveryStatus, DestinationRecord,
  EventRecord, MessageRecord, NewEvent,
} from '../types.ts';
import type { Statement } from '../sql/statement.ts';
import * as deliveries from '../sql/deliveries.ts';
import * as messages from '../sql/messages.ts';
import * as attempts from '../sql/attempts.ts';
import * as addresses from '../sql/addresses.ts';
import * as destinations from '../sql/destinations.ts';
import * as events from '../sql/events.ts';
import {
  addressParams, attemptParams, deliveryParams, rowToAddress, rowToAddressReport, rowToAttempt, rowToDelivery,
  rowToDestination, rowToEvent, rowToMessage,
} from '../rows.ts';
import { migrations } from './migrations/index.ts';
import { migrate } from './migrate.ts';

export interface SqliteStoreOptions {
  /**
   * `full` (default): every commit is fsynced before it returns, so a submission that was
   * acknowledged survives a power cut, as an MTA's queue promises. `normal`: survives a crash or
   * kill -9 of the process (WAL frames are in the OS page cache), but the last commits may roll
   * back on power loss; faster on slow disks.
   */
  durability?: 'full' | 'normal';
  busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** The Store on one SQLite file through better-sqlite3 (synchronous; every method resolves at once). */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly prepared = new Map<Statement, Database.Statement>();

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('foreign_keys = ON');
      migrate(this.db, migrations);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private stmt(s: Statement): Database.Statement {
    let p = this.prepared.get(s);
    if (!p) {
      p = this.db.prepare(s.sql);
      this.prepared.set(s, p);
    }
    return p;
  }

  /** Binds exactly the statement's parameters; booleans become 0/1, undefined becomes NULL. */
  private bind(s: Statement, values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const p of s.params) {
      const v = values[p];
      out[p] = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    return out;
  }

  private run(s: Statement, values: Record<string, unknown> = {}): Database.RunResult {
    return this.stmt(s).run(this.bind(s, values));
  }
  private get(s: Statement, values: Record<string, unknown> = {}): Row | undefined {
    return this.stmt(s).get(this.bind(s, values)) as Row | undefined;
  }
  private all(s: Statement, values: Record<string, unknown> = {}): Row[] {
    return this.stmt(s).all(this.bind(s, values)) as Row[];
  }

  private readAddress(email: string): AddressRecord | null {
    const r = this.get(addresses.selectAddress, { email });
    return r ? rowToAddress(r) : null;
  }

  private readDelivery(id: string): DeliveryRecord | null {
    const r = this.get(deliveries.selectDelivery, { id });
    return r ? rowToDelivery(r) : null;
  }

  private write(change: Change): void {
    if (change.attempt) this.run(attempts.insertAttempt, attemptParams(change.attempt));
    if (change.report) this.run(addresses.insertAddressReport, { ...change.report });
    if (change.delivery) this.run(deliveries.updateDelivery, deliveryParams(change.delivery));
    if (change.address) this.run(addresses.upsertAddress, addressParams(change.address));
    if (change.destination) {
      const o = change.destination;
      this.run(destinations.observeDestination, {
        domain: o.domain, mxHost: o.mxHost, success: o.success ? 1 : 0, failure: o.success ? 0 : 1, reply: o.reply, at: o.at,
      });
    }
    for (const e of change.events) this.run(events.insertEvent, { ...e, data: JSON.stringify(e.data) });
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
      for (const d of w.deliveries) this.run(deliveries.insertDelivery, deliveryParams(d));
      for (const a of w.addresses) this.run(addresses.upsertAddress, addressParams(a));
      for (const e of w.events) this.run(events.insertEvent, { ...e, data: JSON.stringify(e.data) });
      return w;
    });
    return tx.immediate();
  }

  async claimDue(request: ClaimRequest): Promise<DeliveryRecord[]> {
    if (request.limit <= 0) return [];
    const tx = this.db.transaction(() => this.all(deliveries.claimDueDeliveries, { ...request }));
    return tx.immediate().map(rowToDelivery)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : 1));
  }

  async record<T extends RecordItem>(items: readonly T[], decide: (item: T, state: RecordState) => Change | null): Promise<Array<Change | null>> {
    const tx = this.db.transaction(() => items.map((item) => {
      if (item.attemptId !== null && this.get(attempts.selectAttemptExists, { id: item.attemptId })) return null;
      const delivery = this.readDelivery(item.deliveryId);
      const address = delivery ? this.readAddress(delivery.recipient) : null;
      const change = decide(item, { delivery, address });
      if (change) this.write(change);
      return change;
    }));
    return tx.immediate();
  }

  async changeAddress(email: string, reportId: string | null, decide: (address: AddressRecord | null) => Change | null): Promise<Change | null> {
    const tx = this.db.transaction(() => {
      if (reportId !== null && this.get(addresses.selectAddressReportExists, { id: reportId })) return null;
      const change = decide(this.readAddress(email));
      if (change) this.write(change);
      return change;
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
    return this.all(deliveries.selectDeliveries, {
      messageId: query.messageId ?? null, recipient: query.recipient ?? null, status: query.status ?? null,
      limit: query.limit ?? 1000,
    }).map(rowToDelivery);
  }

  async countDeliveries(): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { queued: 0, deferred: 0, delivered: 0, failed: 0 };
    for (const r of this.all(deliveries.countDeliveriesByStatus)) counts[r.status as DeliveryStatus] = Number(r.n);
    return counts;
  }

  async listAttempts(deliveryId: string): Promise<AttemptRecord[]> {
    return this.all(attempts.selectAttempts, { deliveryId }).map(rowToAttempt);
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

  async updateDestinationHealth(domain: string, health: Pick<DestinationRecord, 'health' | 'suspendedUntil'>, at: number, newEvents: readonly NewEvent[] = []): Promise<void> {
    const tx = this.db.transaction(() => {
      this.run(destinations.updateDestinationHealth, { domain, health: health.health, suspendedUntil: health.suspendedUntil, at });
      for (const e of newEvents) this.run(events.insertEvent, { ...e, data: JSON.stringify(e.data) });
    });
    tx.immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
