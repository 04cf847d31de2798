import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultDbPath, openStore, StoreOpenError } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { UsageError } from './usage-error.ts';

/** The `--db` option of every command that works on either store. */
export const DB_OPTION = ['--db <path|url>', 'SQLite file or postgres://… (default: $REBOUND_DB, else ./data/rebound.db)'] as const;

const isPostgres = (location: string): boolean => /^postgres(ql)?:\/\//.test(location);

/**
 * The store a command's `--db` names (else $REBOUND_DB, else ./data/rebound.db). A command that
 * only reads must not leave an empty SQLite file behind when the path is wrong, which is what
 * opening it would do, so a missing file is a usage error unless `create` says the command writes.
 */
export function openCommandStore(flag: string | undefined, { create = false }: { create?: boolean } = {}): Store {
  const location = defaultDbPath(flag);
  if (!isPostgres(location)) {
    const file = location.replace(/^sqlite:/, '');
    if (!existsSync(file)) {
      if (!create) throw new UsageError(`no database at ${file} (pass --db PATH or set REBOUND_DB; rebound serve creates it)`);
      mkdirSync(dirname(file), { recursive: true });
    }
  }
  try {
    // only rebound serve upgrades a database (see upgradeRefused)
    return openStore(location, { upgrade: false });
  } catch (err) {
    if (err instanceof StoreOpenError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * "Now" for a command reading a store: wall time, or the latest time the store has seen when that
 * is later (a server run with --time-scale writes engine times ahead of the wall clock), so a
 * default window still covers what was recorded.
 */
export async function storeNow(store: Store): Promise<number> {
  return Math.max(Date.now(), (await store.latestTime()) ?? 0);
}
