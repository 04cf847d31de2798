import type pg from 'pg';
import { upgradeRefused } from '../upgrade-refused.ts';
import type { Migration } from './migrations/index.ts';

export class PostgresMigrationError extends Error {
  override name = 'PostgresMigrationError';
}

/** The advisory lock key every Rebound node takes to migrate ("rebound" in ASCII, as a bigint). */
export const MIGRATION_LOCK_KEY = 0x7265626f756e64n;

/**
 * Applies the migrations this schema has not seen, in order, in one transaction holding a
 * transaction-scoped advisory lock: nodes starting at once queue on the lock, the first migrates,
 * the others find the work done. DDL is transactional in PostgreSQL, so a failed migration leaves
 * nothing half-applied.
 */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[], schema: string | null = null, appliedAt = Date.now(), upgrade = true): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new PostgresMigrationError(`migration list out of order: position ${i + 1} holds ${m.id} (${m.name})`);
  });
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    // Inside the lock: two nodes creating the schema at once would otherwise race.
    if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => Number(r.id)));
    const newest = Math.max(0, ...done);
    if (newest > migrations.length) {
      throw new PostgresMigrationError(`the database is at schema ${newest}, newer than this Rebound knows (${migrations.length}); upgrade Rebound`);
    }
    if (!upgrade && newest > 0 && newest < migrations.length) throw new PostgresMigrationError(upgradeRefused(newest, migrations.length));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new PostgresMigrationError(`migration ${m.id} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, appliedAt]);
      applied.push(m.id);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** A schema name as a quoted identifier (the names come from configuration, never from mail). */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new PostgresMigrationError(`not a usable schema name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}
