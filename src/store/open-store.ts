import type { Store } from './store.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import { PostgresStore, redactUrl, type PostgresStoreOptions } from './postgres/postgres-store.ts';

/**
 * The database a command uses: `--db PATH`, else $REBOUND_DB, else ./data/rebound.db, the file
 * `rebound serve` (and `npm start`) writes, so the commands read what the server recorded.
 */
export function defaultDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.REBOUND_DB ?? './data/rebound.db';
}

/**
 * Opens the store a location names: a file path (or `sqlite:PATH`) is SQLite; `postgres://…` is
 * PostgreSQL (`?schema=NAME` puts the tables in that schema), connecting on first use.
 */
export function openStore(location: string, options: SqliteStoreOptions & PostgresStoreOptions = {}): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    let url: URL;
    try {
      url = new URL(location);
    } catch (err) {
      throw new Error(`not a usable PostgreSQL URL: ${redactUrl(location)}`, { cause: err });
    }
    const schema = url.searchParams.get('schema') ?? options.schema;
    url.searchParams.delete('schema');
    return new PostgresStore(url.toString(), { ...options, schema: schema ?? undefined });
  }
  const file = location.replace(/^sqlite:/, '');
  try {
    return new SqliteStore(file, options);
  } catch (err) {
    // SQLite's own words ("unable to open database file", "file is not a database") name no file
    throw new StoreOpenError(`cannot use ${file} as the SQLite database: ${(err as Error).message}`, { cause: err });
  }
}

/** The database a setting names could not be opened; the message names the file. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}
