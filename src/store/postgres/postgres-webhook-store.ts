import type { Statement } from '../sql/statement.ts';
import { toNumbered } from '../sql/statement.ts';
import * as sql from '../sql/webhooks.ts';
import * as pg from './sql/claims.ts';
import type { NewOutgoing, OutgoingChange, OutgoingRecord, OutgoingStatus, UnknownEventCount, WebhookStore } from '../webhook-store.ts';
import type { PostgresStore } from './postgres-store.ts';

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function rowToOutgoing(r: Row): OutgoingRecord {
  return {
    id: Number(r.id), endpoint: String(r.endpoint), eventId: Number(r.event_id), eventType: String(r.event_type), body: String(r.body),
    status: String(r.status) as OutgoingStatus, attempts: Number(r.attempts), nextAttemptAt: num(r.next_attempt_at),
    lastError: r.last_error === null ? null : String(r.last_error), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/**
 * The WebhookStore on the PostgresStore's pool, with the same statements as SQLite
 * (`src/store/sql/webhooks.ts`); its tables come with the store's migrations (0003-webhooks).
 */
export class PostgresWebhookStore implements WebhookStore {
  /** Resolves once the store has connected and migrated (countDeliveries waits for that). */
  private readonly ready: Promise<unknown>;

  constructor(private readonly store: PostgresStore) {
    this.ready = store.countDeliveries();
    this.ready.catch(() => {});
  }

  private async q(s: Statement, values: Record<string, unknown> = {}): Promise<{ rows: Row[]; rowCount: number }> {
    await this.ready;
    const { text, values: args } = toNumbered(s, values);
    const r = await this.store.pool.query({ name: `wh-${s.name}`, text, values: args });
    return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0 };
  }

  async getCursor(name: string): Promise<number> {
    const { rows } = await this.q(sql.selectCursor, { name });
    return rows[0] ? Number(rows[0].event_id) : 0;
  }

  async startCursorAtLatest(name: string): Promise<void> {
    await this.q(sql.startCursorAtLatest, { name });
  }

  async enqueueOutgoing(name: string, eventId: number, rows: readonly NewOutgoing[], at: number): Promise<void> {
    await this.store.transaction(async (client) => {
      for (const row of rows) {
        const { text, values } = toNumbered(sql.insertOutgoing, { ...row, at });
        await client.query({ name: `wh-${sql.insertOutgoing.name}`, text, values });
      }
      const { text, values } = toNumbered(sql.upsertCursor, { name, eventId });
      await client.query({ name: `wh-${sql.upsertCursor.name}`, text, values });
    });
  }

  async claimDueOutgoing(now: number, limit: number, leaseUntil: number): Promise<OutgoingRecord[]> {
    return (await this.q(pg.claimDueOutgoing, { now, limit, leaseUntil })).rows.map(rowToOutgoing).sort((a, b) => a.id - b.id);
  }

  async nextOutgoingDueAt(): Promise<number | null> {
    return num((await this.q(sql.selectNextOutgoingDue)).rows[0]?.at);
  }

  async updateOutgoing(changes: readonly OutgoingChange[], at: number): Promise<void> {
    if (changes.length === 0) return;
    await this.ready;
    await this.store.transaction(async (client) => {
      for (const change of changes) {
        const { text, values } = toNumbered(sql.updateOutgoing, { at, ...change });
        await client.query({ name: `wh-${sql.updateOutgoing.name}`, text, values });
      }
    });
  }

  async listOutgoing(status: OutgoingStatus, limit: number): Promise<OutgoingRecord[]> {
    return (await this.q(sql.selectOutgoingByStatus, { status, limit })).rows.map(rowToOutgoing);
  }

  async redeliverDead(id: number | 'all', at: number): Promise<number> {
    const r = id === 'all' ? await this.q(sql.redeliverAllDeadOutgoing, { at }) : await this.q(sql.redeliverDeadOutgoing, { id, at });
    return r.rowCount ?? 0;
  }

  async claimIngestKey(provider: string, eventId: string, at: number): Promise<boolean> {
    return (await this.q(sql.insertIngestKey, { provider, eventId, at })).rowCount === 1;
  }

  async releaseIngestKey(provider: string, eventId: string): Promise<void> {
    await this.q(sql.deleteIngestKey, { provider, eventId });
  }

  async countUnknownEvent(provider: string, providerType: string, why: string, at: number): Promise<void> {
    await this.q(sql.countUnknown, { provider, providerType, why: why.slice(0, 500), at });
  }

  async listUnknownEvents(): Promise<UnknownEventCount[]> {
    return (await this.q(sql.selectUnknown)).rows.map((r) => ({
      provider: String(r.provider), providerType: String(r.provider_type), count: Number(r.count), lastAt: Number(r.last_at), lastWhy: String(r.last_why),
    }));
  }

  async setResendTarget(messageId: string, url: string): Promise<void> {
    await this.q(sql.upsertResendTarget, { messageId, url });
  }

  async getResendTarget(messageId: string): Promise<string | null> {
    const { rows } = await this.q(sql.selectResendTarget, { messageId });
    return rows[0] ? String(rows[0].url) : null;
  }
}
