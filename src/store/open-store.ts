import type { Store } from './store.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';

/** The database a command uses: `--db PATH`, else $REBOUND_DB, else ./rebound.db. */
export function defaultDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.REBOUND_DB ?? './rebound.db';
}

/** Opens the store a location names: a file path (or `sqlite:PATH`) is SQLite. */
export function openStore(location: string, options: SqliteStoreOptions = {}): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error(`PostgreSQL store not available in this build: ${location.replace(/\/\/[^@/]*@/, '//…@')}`);
  }
  return new SqliteStore(location.replace(/^sqlite:/, ''), options);
}
