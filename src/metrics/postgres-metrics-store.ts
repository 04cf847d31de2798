import type pg from 'pg';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';
import { statement, toNumbered, type Statement } from '../store/sql/statement.ts';
import type { EventRecord } from '../store/types.ts';
import { foldEvents, type HourlyDelta, type MetricsWriter } from './projector.ts';
import * as sql from './sql.ts';
import { rowToIncident } from './rows.ts';
import { windowValues } from './sqlite-metrics-store.ts';
import { segmentStatement } from './segment-sql.ts';
import type { MetricsStore, SegmentQuery, SegmentRow } from './metrics-store.ts';
import type { WindowRow, CodeRow, DestinationRow, FunnelRow, HourlyRow, IncidentRecord, MetricsFilter, TotalsRow } from './types.ts';

type Row = Record<string, unknown>;

/** Rows fetched per round trip while a segment streams. */
const SEGMENT_FETCH = 1000;
/** Every node folds under this transaction lock, so each outbox event is folded once. */
const FOLD_LOCK = 'SELECT pg_advisory_xact_lock(21061, 1)';


function literal(client: pg.PoolClient, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  }
  return client.escapeLiteral(String(v));
}


/**
 * The portable statements, as PostgreSQL wants two things: a parameter first seen in
 * `@x IS NULL` has no type it can infer (the optional filters are all text), and SQLite's
 * `instr` is PostgreSQL's `strpos`.
 */
const forPostgres = new Map<Statement, Statement>();
function pgForm(s: Statement): Statement {
  let p = forPostgres.get(s);
  if (!p) {
    const text = s.sql.replace(/@([A-Za-z_]\w*) IS NULL/g, 'CAST(@$1 AS TEXT) IS NULL').replaceAll('instr(', 'strpos(');
    forPostgres.set(s, (p = statement(`pg-${s.name}`, s.params, text)));
  }
  return p;
}

/**
 * The metrics tables in PostgreSQL (migration 0002), the same portable statements as SQLite.
 * The projector's fold is synchronous, so a batch is folded against what it needs read up
 * front (the open incidents of its domains, which of its recipients they already count) and its
 * writes are then run in order, in the transaction that moves the cursor. New incidents get
 * their ids when inserted; writes that name them before that are mapped through.
 */
export class PostgresMetricsStore implements MetricsStore {
  constructor(private readonly store: PostgresStore) {}

  private async query(s: Statement, values: Row = {}, client?: pg.PoolClient): Promise<Row[]> {
    const p = pgForm(s);
    const { text, values: args } = toNumbered(p, values);
    const r = await (client ?? this.store.pool).query({ name: p.name, text, values: args });
    return r.rows as Row[];
  }

  private async read(s: Statement, values: Row = {}): Promise<Row[]> {
    await this.store.whenReady();
    return this.query(s, values);
  }

  async cursor(): Promise<number> {
    const [r] = await this.read(sql.selectCursor);
    return r ? Number(r.last_event_id) : 0;
  }

  async apply(events: readonly EventRecord[], lastEventId: number): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(FOLD_LOCK);
      // another node may have folded part of this batch while this one waited for the lock
      const [c] = await this.query(sql.selectCursor, {}, client);
      const done = c ? Number(c.last_event_id) : 0;
      const fresh = events.filter((e) => e.id > done);
      if (fresh.length > 0) await this.fold(fresh, client);
      if (lastEventId > done) await this.query(sql.upsertCursor, { lastEventId }, client);
    });
  }

  private async fold(events: readonly EventRecord[], client: pg.PoolClient): Promise<void> {
    const domains = [...new Set(events.map((e) => e.domain ?? ''))];
    const open = new Map<string, IncidentRecord>();
    for (const r of (await client.query(`SELECT id, domain, mx_hosts, opened_at, closed_at, last_failure_at, deferrals, failures, retries, recipients, codes
      FROM incidents WHERE closed_at IS NULL AND domain = ANY($1::text[])`, [domains])).rows as Row[]) {
      open.set(String(r.domain), rowToIncident(r));
    }
    const counted = new Set<string>();
    if (open.size > 0) {
      const recipients = [...new Set(events.map((e) => e.recipient ?? ''))];
      const ids = [...open.values()].map((i) => i.id);
      for (const r of (await client.query('SELECT incident_id, recipient FROM incident_recipients WHERE incident_id = ANY($1::bigint[]) AND recipient = ANY($2::text[])', [ids, recipients])).rows as Row[]) {
        counted.add(`${Number(r.incident_id)}\u0000${String(r.recipient)}`);
      }
    }
    // Writes, in the order the fold made them; a new incident has a negative id until inserted.
    const writes: Array<(client: pg.PoolClient, ids: Map<number, number>) => Promise<unknown>> = [];
    let nextTemp = -1;
    const real = (id: number, ids: Map<number, number>) => (id < 0 ? ids.get(id)! : id);
    const writer: MetricsWriter = {
      openIncident: (domain) => {
        const i = open.get(domain);
        return i && i.closedAt === null ? { ...i, mxHosts: [...i.mxHosts], codes: { ...i.codes } } : null;
      },
      insertIncident: (domain, openedAt) => {
        const temp = nextTemp--;
        const incident: IncidentRecord = {
          id: temp, domain, mxHosts: [], openedAt, closedAt: null, lastFailureAt: openedAt,
          deferrals: 0, failures: 0, retries: 0, recipients: 0, codes: {},
        };
        open.set(domain, incident);
        writes.push(async (c, ids) => {
          const [r] = await this.query(sql.insertIncident, { domain, mxHosts: '[]', openedAt, codes: '{}' }, c);
          ids.set(temp, Number(r!.id));
        });
        return { ...incident };
      },
      saveIncident: (i) => {
        open.set(i.domain, { ...i, mxHosts: [...i.mxHosts], codes: { ...i.codes } });
        const row = { ...i, mxHosts: JSON.stringify(i.mxHosts), codes: JSON.stringify(i.codes) };
        writes.push((c, ids) => this.query(sql.updateIncident, { ...row, id: real(i.id, ids) }, c));
      },
      addIncidentRecipient: (incidentId, recipient) => {
        const key = `${incidentId}\u0000${recipient}`;
        if (counted.has(key)) return false;
        counted.add(key);
        writes.push((c, ids) => this.query(sql.insertIncidentRecipient, { incidentId: real(incidentId, ids), recipient }, c));
        return true;
      },
      addHourly: (h: HourlyDelta) => {
        writes.push((c) => this.query(sql.upsertHourly, { ...h }, c));
      },
      addDeferred: (d) => {
        writes.push((c) => this.query(sql.insertDeferred, d, c));
      },
      finishDeferred: (deliveryId, status, attempt, at) => {
        writes.push((c) => this.query(sql.finishDeferred, { deliveryId, status, attempt, at }, c));
      },
    };
    foldEvents(events, writer);
    const ids = new Map<number, number>();
    for (const w of writes) await w(client, ids);
  }

  async windowRows(f: MetricsFilter): Promise<WindowRow[]> {
    return (await this.read(sql.selectWindowRows, windowValues(f))).map((r) => ({
      domain: String(r.domain), mxHost: String(r.mx_host), enhanced: String(r.enhanced), reason: String(r.reason),
      deferrals: Number(r.deferrals), failures: Number(r.failures), retries: Number(r.retries), refusals: Number(r.refusals), delivered: Number(r.delivered), complaints: Number(r.complaints),
    }));
  }

  async windowDelivered(f: MetricsFilter): Promise<number> {
    return Number((await this.read(sql.selectWindowDelivered, windowValues(f)))[0]?.delivered ?? 0);
  }

  async hourlyByCode(f: MetricsFilter): Promise<CodeRow[]> {
    return (await this.read(sql.selectHourlyByCode, windowValues(f))).map((r) => ({
      enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures),
    }));
  }

  async hourlyByHour(f: MetricsFilter): Promise<HourlyRow[]> {
    return (await this.read(sql.selectHourlyByHour, windowValues(f))).map((r) => ({
      hour: Number(r.hour), enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures),
    }));
  }

  async destinations(f: MetricsFilter): Promise<DestinationRow[]> {
    return (await this.read(sql.selectHourlyByDestination, windowValues(f))).map((r) => ({
      domain: String(r.domain), mxHost: String(r.mx_host), deferrals: Number(r.deferrals), failures: Number(r.failures), retries: Number(r.retries),
    }));
  }

  async incidentsOverlapping(f: Pick<MetricsFilter, 'from' | 'to' | 'domain'>): Promise<IncidentRecord[]> {
    return (await this.read(sql.selectIncidentsOverlapping, { from: f.from, to: f.to, domain: f.domain ?? null })).map(rowToIncident);
  }

  async funnel(f: MetricsFilter): Promise<FunnelRow[]> {
    return (await this.read(sql.selectDeferredFunnel, windowValues(f))).map((r) => ({
      finalStatus: r.final_status === null ? null : (String(r.final_status) as 'delivered' | 'failed'),
      finalAttempt: r.final_attempt === null ? null : Number(r.final_attempt), n: Number(r.n),
    }));
  }

  async totalsByCode(): Promise<TotalsRow[]> {
    return (await this.read(sql.selectTotalsByCode)).map((r) => ({
      enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures), retries: Number(r.retries),
      refusals: Number(r.refusals), delivered: Number(r.delivered), complaints: Number(r.complaints),
    }));
  }

  async totalsByDomain(): Promise<Array<{ domain: string; deferrals: number }>> {
    return (await this.read(sql.selectTotalsByDomain)).map((r) => ({ domain: String(r.domain), deferrals: Number(r.deferrals) }));
  }

  async closedDurations(): Promise<Array<{ domain: string; ms: number }>> {
    return (await this.read(sql.selectClosedDurations)).map((r) => ({ domain: String(r.domain), ms: Number(r.ms) }));
  }

  async openIncidents(): Promise<IncidentRecord[]> {
    return (await this.read(sql.selectOpenIncidents)).map(rowToIncident);
  }

  /** Streams off a server-side cursor on a connection of its own, SEGMENT_FETCH rows at a time. */
  async *segment(q: SegmentQuery): AsyncIterable<SegmentRow> {
    await this.store.whenReady();
    const s = pgForm(segmentStatement(q.kind));
    const values = {
      from: q.from ?? 0, to: q.to ?? Number.MAX_SAFE_INTEGER, enhanced: q.enhanced ?? null, reason: q.reason ?? null, domain: q.domain ?? null,
    };
    const { text, values: args } = toNumbered(s, values);
    const { client, release } = await this.store.checkout();
    let failure: unknown;
    try {
      // DECLARE takes no bind parameters: the filter values go in as literals, quoted by pg
      const sqlText = text.replace(/\$(\d+)/g, (_m, n: string) => literal(client, args[Number(n) - 1]));
      await client.query('BEGIN READ ONLY');
      await client.query(`DECLARE rebound_segment NO SCROLL CURSOR FOR ${sqlText}`);
      for (;;) {
        const { rows } = await client.query(`FETCH ${SEGMENT_FETCH} FROM rebound_segment`);
        for (const r of rows as Row[]) {
          yield {
            recipient: String(r.recipient), domain: String(r.domain), status: String(r.status),
            reason: r.reason === null ? null : String(r.reason), enhanced: r.enhanced === null ? null : String(r.enhanced),
            count: r.count === null ? null : Number(r.count), at: r.at === null ? null : Number(r.at),
          };
        }
        if (rows.length < SEGMENT_FETCH) break;
      }
      await client.query('COMMIT');
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // a consumer that stops early lands here too: the transaction (and its cursor) goes with it
      await client.query('ROLLBACK').catch(() => {});
      release(failure);
    }
  }
}
