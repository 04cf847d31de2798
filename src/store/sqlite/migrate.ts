import type Database from 'better-sqlite3';
import type { Migration } from './migrations/index.ts';
import { upgradeRefused } from '../upgrade-refused.ts';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies the migrations this database has not seen, in order, each recorded in
 * `schema_migrations`. The whole run is one IMMEDIATE transaction, so two processes opening the
 * same file at once apply each migration exactly once (the second waits, then finds them done).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], appliedAt = Date.now(), upgrade = true): number[] {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new MigrationError(`migration list out of order: position ${i + 1} holds ${m.id} (${m.name})`);
  });
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map((r) => r.id));
    const newest = Math.max(0, ...done);
    if (newest > migrations.length) {
      throw new MigrationError(`the database is at schema ${newest}, newer than this Rebound knows (${migrations.length}); upgrade Rebound`);
    }
    // a new database is created whole; an existing one is upgraded only where asked
    if (!upgrade && newest > 0 && newest < migrations.length) throw new MigrationError(upgradeRefused(newest, migrations.length));
    const applied: number[] = [];
    const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      try {
        db.exec(m.sql);
      } catch (err) {
        throw new MigrationError(`migration ${m.id} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
      record.run(m.id, m.name, appliedAt);
      applied.push(m.id);
    }
    return applied;
  });
  return run.immediate();
}
