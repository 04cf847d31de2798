import type Database from 'better-sqlite3';
import type { Statement } from '../sql/statement.ts';
import * as sql from '../sql/webhooks.ts';
import type { NewOutgoing, OutgoingChange, OutgoingRecord, OutgoingStatus, UnknownEventCount, WebhookStore } from '../webhook-store.ts';

type Row = Record<string, unknown>;

function rowToOutgoing(r: Row): OutgoingRecord {
  return {
    id: Number(r.id), endpoint: String(r.endpoint), eventId: Number(r.event_id), eventType: String(r.event_type), body: String(r.body),
    status: String(r.status) as OutgoingStatus, attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at), lastError: r.last_error === null ? null : String(r.last_error),
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/**
 * The WebhookStore on the SqliteStore's own connection (`new SqliteWebhookStore(store.db)`): the
 * tables come with the store's migrations, so opening the store is enough.
 */
export class SqliteWebhookStore implements WebhookStore {
  private readonly prepared = new Map<Statement, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(s: Statement): Database.Statement {
    let p = this.prepared.get(s);
    if (!p) {
      p = this.db.prepare(s.sql);
      this.prepared.set(s, p);
    }
    return p;
  }

  async getCursor(name: string): Promise<number> {
    const r = this.stmt(sql.selectCursor).get({ name }) as Row | undefined;
    return r ? Number(r.event_id) : 0;
  }

  async startCursorAtLatest(name: string): Promise<void> {
    this.stmt(sql.startCursorAtLatest).run({ name });
  }

  async enqueueOutgoing(name: string, eventId: number, rows: readonly NewOutgoing[], at: number): Promise<void> {
    const tx = this.db.transaction(() => {
      for (const row of rows) this.stmt(sql.insertOutgoing).run({ ...row, at });
      this.stmt(sql.upsertCursor).run({ name, eventId });
    });
    tx.immediate();
  }

  async claimDueOutgoing(now: number, limit: number, leaseUntil: number): Promise<OutgoingRecord[]> {
    return (this.stmt(sql.claimDueOutgoing).all({ now, limit, leaseUntil }) as Row[]).map(rowToOutgoing).sort((a, b) => a.id - b.id);
  }

  async nextOutgoingDueAt(): Promise<number | null> {
    const r = this.stmt(sql.selectNextOutgoingDue).get({}) as Row | undefined;
    return r?.at === null || r?.at === undefined ? null : Number(r.at);
  }

  async updateOutgoing(changes: readonly OutgoingChange[], at: number): Promise<void> {
    if (changes.length === 0) return;
    this.db.transaction(() => {
      for (const change of changes) this.stmt(sql.updateOutgoing).run({ at, ...change });
    })();
  }

  async listOutgoing(status: OutgoingStatus, limit: number): Promise<OutgoingRecord[]> {
    return (this.stmt(sql.selectOutgoingByStatus).all({ status, limit }) as Row[]).map(rowToOutgoing);
  }

  async redeliverDead(id: number | 'all', at: number): Promise<number> {
    return (id === 'all' ? this.stmt(sql.redeliverAllDeadOutgoing).run({ at }) : this.stmt(sql.redeliverDeadOutgoing).run({ id, at })).changes;
  }

  async claimIngestKey(provider: string, eventId: string, at: number): Promise<boolean> {
    return this.stmt(sql.insertIngestKey).run({ provider, eventId, at }).changes === 1;
  }

  async releaseIngestKey(provider: string, eventId: string): Promise<void> {
    this.stmt(sql.deleteIngestKey).run({ provider, eventId });
  }

  async countUnknownEvent(provider: string, providerType: string, why: string, at: number): Promise<void> {
    this.stmt(sql.countUnknown).run({ provider, providerType, why: why.slice(0, 500), at });
  }

  async listUnknownEvents(): Promise<UnknownEventCount[]> {
    return (this.stmt(sql.selectUnknown).all({}) as Row[]).map((r) => ({
      provider: String(r.provider), providerType: String(r.provider_type), count: Number(r.count), lastAt: Number(r.last_at), lastWhy: String(r.last_why),
    }));
  }

  async setResendTarget(messageId: string, url: string): Promise<void> {
    this.stmt(sql.upsertResendTarget).run({ messageId, url });
  }

  async getResendTarget(messageId: string): Promise<string | null> {
    const r = this.stmt(sql.selectResendTarget).get({ messageId }) as Row | undefined;
    return r ? String(r.url) : null;
  }
}
