import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface QuarantinedEmail {
  id: string;
  at: number;
  why: string;
  envelope: { from: string; to: string[]; client: string };
  size: number;
}

/**
 * Inbound emails that could not be read as bounces, kept whole for inspection instead of
 * dropped (`inbound_quarantine` in the SQLite store, made by its migration 0005; in memory on
 * PostgreSQL). Capped by count so a
 * flood of junk cannot fill the disk.
 */
export class QuarantineStore {
  constructor(private readonly db: Database.Database | null, private readonly maxKept = 10_000) {}

  private readonly memory: Array<QuarantinedEmail & { raw: Buffer }> = [];

  keep(raw: Buffer, why: string, envelope: QuarantinedEmail['envelope'], at: number): string {
    const id = `q_${randomBytes(8).toString('hex')}`;
    if (!this.db) {
      this.memory.push({ id, at, why, envelope, size: raw.length, raw });
      if (this.memory.length > this.maxKept) this.memory.shift();
      return id;
    }
    this.db.transaction(() => {
      this.db!.prepare('INSERT INTO inbound_quarantine (id, at, why, envelope, raw) VALUES (?, ?, ?, ?, ?)').run(id, at, why.slice(0, 1000), JSON.stringify(envelope), raw);
      this.db!.prepare('DELETE FROM inbound_quarantine WHERE id IN (SELECT id FROM inbound_quarantine ORDER BY at DESC, id LIMIT -1 OFFSET ?)').run(this.maxKept);
    })();
    return id;
  }

  list(limit = 100): QuarantinedEmail[] {
    if (!this.db) return this.memory.slice(-limit).reverse().map(({ raw, ...q }) => q);
    const rows = this.db.prepare('SELECT id, at, why, envelope, length(raw) AS size FROM inbound_quarantine ORDER BY at DESC LIMIT ?').all(limit) as Array<Omit<QuarantinedEmail, 'envelope'> & { envelope: string }>;
    return rows.map((r) => ({ ...r, envelope: JSON.parse(r.envelope) as QuarantinedEmail['envelope'] }));
  }

  raw(id: string): Buffer | null {
    if (!this.db) return this.memory.find((q) => q.id === id)?.raw ?? null;
    const row = this.db.prepare('SELECT raw FROM inbound_quarantine WHERE id = ?').get(id) as { raw: Buffer } | undefined;
    return row?.raw ?? null;
  }
}
