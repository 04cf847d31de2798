import Database from 'better-sqlite3';
import type { EventRecord } from '../store/types.ts';
import type { Statement } from '../store/sql/statement.ts';
import { foldEvents, hourOf, type HourlyDelta, type MetricsWriter } from './projector.ts';
import * as sql from './sql.ts';
import { rowToIncident } from './rows.ts';
import { segmentStatement } from './segment-sql.ts';
import type { MetricsStore, SegmentQuery, SegmentRow } from './metrics-store.ts';
import type { WindowRow, CodeRow, DestinationRow, FunnelRow, HourlyRow, IncidentRecord, MetricsFilter, TotalsRow } from './types.ts';

type Row = Record<string, unknown>;

const HOUR_MS = 3_600_000;


/** Window filter → statement values; the hour range covers every hour bucket that starts inside [from, to). */
export function windowValues(f: MetricsFilter): Row {
  return {
    fromHour: Math.ceil(f.from / HOUR_MS) * HOUR_MS, toHour: f.to,
    from: f.from, to: f.to, enhanced: f.enhanced ?? null, reason: f.reason ?? null, domain: f.domain ?? null,
  };
}

/** The metrics tables on the engine's SQLite file (same connection, so folding shares its lock). */
export class SqliteMetricsStore implements MetricsStore {
  private readonly cache = new Map<Statement, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(s: Statement): Database.Statement {
    let p = this.cache.get(s);
    if (!p) this.cache.set(s, (p = this.db.prepare(s.sql)));
    return p;
  }
  /** Named binding with every parameter present (null when not given). */
  private bind(s: Statement, values: Row): Row {
    const out: Row = {};
    for (const p of s.params) out[p] = values[p] ?? null;
    return out;
  }
  private all(s: Statement, values: Row = {}): Row[] {
    return this.stmt(s).all(this.bind(s, values)) as Row[];
  }
  private run(s: Statement, values: Row = {}): Database.RunResult {
    return this.stmt(s).run(this.bind(s, values));
  }

  async cursor(): Promise<number> {
    const r = this.stmt(sql.selectCursor).get() as Row | undefined;
    return r ? Number(r.last_event_id) : 0;
  }

  async apply(events: readonly EventRecord[], lastEventId: number): Promise<void> {
    const writer: MetricsWriter = {
      openIncident: (domain) => {
        const r = this.stmt(sql.selectOpenIncident).get(this.bind(sql.selectOpenIncident, { domain })) as Row | undefined;
        return r ? rowToIncident(r) : null;
      },
      insertIncident: (domain, openedAt) => {
        const r = this.stmt(sql.insertIncident).get(this.bind(sql.insertIncident, { domain, mxHosts: '[]', openedAt, codes: '{}' })) as Row;
        return {
          id: Number(r.id), domain, mxHosts: [], openedAt, closedAt: null, lastFailureAt: openedAt,
          deferrals: 0, failures: 0, retries: 0, recipients: 0, codes: {},
        };
      },
      saveIncident: (i) => {
        this.run(sql.updateIncident, { ...i, mxHosts: JSON.stringify(i.mxHosts), codes: JSON.stringify(i.codes) });
      },
      addIncidentRecipient: (incidentId, recipient) => this.run(sql.insertIncidentRecipient, { incidentId, recipient }).changes === 1,
      addHourly: (h: HourlyDelta) => {
        this.run(sql.upsertHourly, { ...h });
      },
      addDeferred: (d) => {
        this.run(sql.insertDeferred, d);
      },
      finishDeferred: (deliveryId, status, attempt, at) => {
        this.run(sql.finishDeferred, { deliveryId, status, attempt, at });
      },
    };
    // Another process on the same file (a CLI command beside `serve`) may have folded part of
    // this batch since it was read: only what is past the cursor, read under the write lock, counts.
    const tx = this.db.transaction(() => {
      const done = Number((this.all(sql.selectCursor, {})[0]?.last_event_id) ?? 0);
      const fresh = events.filter((e) => e.id > done);
      if (fresh.length > 0) foldEvents(fresh, writer);
      if (lastEventId > done) this.run(sql.upsertCursor, { lastEventId });
    });
    tx.immediate();
  }

  async windowRows(f: MetricsFilter): Promise<WindowRow[]> {
    return (this.stmt(sql.selectWindowRows).raw(true).all(this.bind(sql.selectWindowRows, windowValues(f))) as unknown[][]).map((r) => ({
      domain: String(r[0]), mxHost: String(r[1]), enhanced: String(r[2]), reason: String(r[3]),
      deferrals: Number(r[4]), failures: Number(r[5]), retries: Number(r[6]), refusals: Number(r[7]), delivered: Number(r[8]), complaints: Number(r[9]),
    }));
  }

  async windowDelivered(f: MetricsFilter): Promise<number> {
    return Number(this.all(sql.selectWindowDelivered, windowValues(f))[0]?.delivered ?? 0);
  }

  async hourlyByCode(f: MetricsFilter): Promise<CodeRow[]> {
    return this.all(sql.selectHourlyByCode, windowValues(f)).map((r) => ({
      enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures),
    }));
  }

  async hourlyByHour(f: MetricsFilter): Promise<HourlyRow[]> {
    return this.all(sql.selectHourlyByHour, windowValues(f)).map((r) => ({
      hour: Number(r.hour), enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures),
    }));
  }

  async destinations(f: MetricsFilter): Promise<DestinationRow[]> {
    return this.all(sql.selectHourlyByDestination, windowValues(f)).map((r) => ({
      domain: String(r.domain), mxHost: String(r.mx_host), deferrals: Number(r.deferrals), failures: Number(r.failures), retries: Number(r.retries),
    }));
  }

  async incidentsOverlapping(f: Pick<MetricsFilter, 'from' | 'to' | 'domain'>): Promise<IncidentRecord[]> {
    return this.all(sql.selectIncidentsOverlapping, { from: f.from, to: f.to, domain: f.domain ?? null }).map(rowToIncident);
  }

  async funnel(f: MetricsFilter): Promise<FunnelRow[]> {
    return this.all(sql.selectDeferredFunnel, windowValues(f)).map((r) => ({
      finalStatus: r.final_status === null ? null : (String(r.final_status) as 'delivered' | 'failed'),
      finalAttempt: r.final_attempt === null ? null : Number(r.final_attempt), n: Number(r.n),
    }));
  }

  async totalsByCode(): Promise<TotalsRow[]> {
    return this.all(sql.selectTotalsByCode).map((r) => ({
      enhanced: String(r.enhanced), reason: String(r.reason), deferrals: Number(r.deferrals), failures: Number(r.failures), retries: Number(r.retries),
      refusals: Number(r.refusals), delivered: Number(r.delivered), complaints: Number(r.complaints),
    }));
  }

  async totalsByDomain(): Promise<Array<{ domain: string; deferrals: number }>> {
    return this.all(sql.selectTotalsByDomain).map((r) => ({ domain: String(r.domain), deferrals: Number(r.deferrals) }));
  }

  async closedDurations(): Promise<Array<{ domain: string; ms: number }>> {
    return this.all(sql.selectClosedDurations).map((r) => ({ domain: String(r.domain), ms: Number(r.ms) }));
  }

  async openIncidents(): Promise<IncidentRecord[]> {
    return this.all(sql.selectOpenIncidents).map(rowToIncident);
  }

  async *segment(q: SegmentQuery): AsyncIterable<SegmentRow> {
    const s = segmentStatement(q.kind);
    const values = {
      from: q.from ?? 0, to: q.to ?? Number.MAX_SAFE_INTEGER, enhanced: q.enhanced ?? null, reason: q.reason ?? null, domain: q.domain ?? null,
    };
    // A connection of its own: an open iterate() makes its connection refuse every other
    // statement, and a slow client must not stop the engine writing. WAL lets it read a snapshot.
    const file = this.db.name;
    const own = file && file !== ':memory:' && !this.db.memory ? new Database(file, { readonly: true, fileMustExist: true }) : null;
    try {
      const stmt = own ? own.prepare(s.sql) : this.stmt(s);
      // iterate() walks the cursor row by row; the caller's await between rows keeps memory flat.
      for (const r of stmt.iterate(this.bind(s, values)) as IterableIterator<Row>) {
        yield {
          recipient: String(r.recipient), domain: String(r.domain), status: String(r.status),
          reason: r.reason === null ? null : String(r.reason), enhanced: r.enhanced === null ? null : String(r.enhanced),
          count: r.count === null ? null : Number(r.count), at: r.at === null ? null : Number(r.at),
        };
      }
    } finally {
      own?.close();
    }
  }
}

export { hourOf };
