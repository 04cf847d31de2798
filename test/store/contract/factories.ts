import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../../../src/store/store.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';

/**
 * A backend the contract suite runs against: `open` gives a fresh, empty store (a second call
 * with the same `shared` handle opens another connection to the same data, like a second node);
 * `cleanup` removes everything the run created.
 */
export interface StoreFactory {
  name: string;
  /** Why this backend is skipped, or null to run it. */
  skip: string | null;
  fresh(): Promise<{ open: () => Store; cleanup: () => Promise<void> }>;
}

export const sqliteFactory: StoreFactory = {
  name: 'SQLite',
  skip: null,
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-contract-'));
    const path = join(dir, 'r.db');
    return { open: () => new SqliteStore(path), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

export const PG_URL = process.env.REBOUND_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL answers at PG_URL; REBOUND_REQUIRE_PG=1 turns "no" into a failure. */
export async function postgresAvailability(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    const why = `no PostgreSQL answers at ${PG_URL.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@')} (${(err as Error).message}); set REBOUND_PG_URL to test it`;
    if (process.env.REBOUND_REQUIRE_PG === '1') throw new Error(`REBOUND_REQUIRE_PG=1 but ${why}`);
    return why;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A schema of its own per test, dropped at cleanup, so runs never see each other's rows. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export function newSchemaName(prefix = 'rebound_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function postgresFactory(skip: string | null): StoreFactory {
  return {
    name: 'PostgreSQL',
    skip,
    async fresh() {
      const schema = newSchemaName();
      return { open: () => new PostgresStore(PG_URL, { schema }), cleanup: () => dropSchema(schema) };
    },
  };
}
