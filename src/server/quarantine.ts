import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';

export interface QuarantinedEmail {
  id: string;
  at: number;
  why: string;
  envelope: { from: string; to: string[]; client: string };
  size: number;
}

interface Row { id: string; at: number; why: string; envelope: string; size: number }

/** Where the quarantine lives: the store's own database, SQLite or PostgreSQL. */
interface QuarantineBackend {
  insert(row: { id: string; at: number; why: string; envelope: string; raw: Buffer }, maxKept: number): Promise<void>;
  list(limit: number): Promise<Row[]>;
  raw(id: string): Promise<Buffer | null>;
}

function sqliteBackend(db: Database.Database): QuarantineBackend {
  return {
    async insert(row, maxKept) {
      db.transaction(() => {
        db.prepare('INSERT INTO inbound_quarantine (id, at, why, envelope, raw) VALUES (?, ?, ?, ?, ?)').run(row.id, row.at, row.why, row.envelope, row.raw);
        db.prepare('DELETE FROM inbound_quarantine WHERE id IN (SELECT id FROM inbound_quarantine ORDER BY at DESC, id LIMIT -1 OFFSET ?)').run(maxKept);
      })();
    },
    async list(limit) {
      return db.prepare('SELECT id, at, why, envelope, length(raw) AS size FROM inbound_quarantine ORDER BY at DESC LIMIT ?').all(limit) as Row[];
    },
    async raw(id) {
      return (db.prepare('SELECT raw FROM inbound_quarantine WHERE id = ?').get(id) as { raw: Buffer } | undefined)?.raw ?? null;
    },
  };
}

function postgresBackend(store: PostgresStore): QuarantineBackend {
  return {
    insert: (row, maxKept) => store.keepQuarantined(row, maxKept),
    list: (limit) => store.listQuarantined(limit),
    raw: (id) => store.quarantinedRaw(id),
  };
}

/**
 * Inbound emails that could not be read as bounces, kept whole for inspection instead of
 * dropped: `inbound_quarantine` in the store's database (SQLite migration 0005, PostgreSQL
 * migration 0004), committed before the SMTP client hears 250. Capped by count so a flood of
 * junk cannot fill the disk.
 */
export class QuarantineStore {
  private readonly backend: QuarantineBackend;

  constructor(where: { sqlite: Database.Database } | { postgres: PostgresStore }, private readonly maxKept = 10_000) {
    this.backend = 'sqlite' in where ? sqliteBackend(where.sqlite) : postgresBackend(where.postgres);
  }

  async keep(raw: Buffer, why: string, envelope: QuarantinedEmail['envelope'], at: number): Promise<string> {
    const id = `q_${randomBytes(8).toString('hex')}`;
    await this.backend.insert({ id, at, why: why.slice(0, 1000), envelope: JSON.stringify(envelope), raw }, this.maxKept);
    return id;
  }

  async list(limit = 100): Promise<QuarantinedEmail[]> {
    return (await this.backend.list(limit)).map((r) => ({ id: r.id, at: Number(r.at), why: r.why, size: Number(r.size), envelope: JSON.parse(r.envelope) as QuarantinedEmail['envelope'] }));
  }

  raw(id: string): Promise<Buffer | null> {
    return this.backend.raw(id);
  }
}
