import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import Database from 'better-sqlite3';
import { sqliteQuickCheck } from '../../store/sqlite/sqlite-store.ts';
import { defaultDbPath } from '../../store/open-store.ts';
import { UsageError } from '../usage-error.ts';

interface Options {
  db?: string;
  to: string;
  force?: boolean;
}

/**
 * `rebound backup`: a consistent copy of the SQLite store, taken with SQLite's online backup
 * while `rebound serve` keeps running (copying the file by hand while the server writes can
 * catch a half-written page, and misses what is still in the -wal file). The copy is checked
 * before it replaces anything, so a backup that exists is one that opens.
 */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite database while rebound serve runs, and check the copy (PostgreSQL: use pg_dump)')
    .option('--db <path>', 'SQLite database (default: $REBOUND_DB, else ./data/rebound.db)')
    .requiredOption('--to <file>', 'where to write the copy (one file; no -wal or -shm beside it)')
    .option('--force', 'replace --to if it exists')
    .action(async (opts: Options) => {
      if (/^postgres(ql)?:\/\//.test(opts.db ?? process.env.REBOUND_DB ?? '')) {
        throw new UsageError('rebound backup copies SQLite files; for PostgreSQL use pg_dump (e.g. pg_dump --schema=NAME when the URL has ?schema=NAME), see docs/http-api.md#backups');
      }
      if (existsSync(opts.to) && !opts.force) throw new UsageError(`${opts.to} exists (pass --force to replace it)`);
      const file = defaultDbPath(opts.db).replace(/^sqlite:/, '');
      if (!existsSync(file)) throw new UsageError(`no database at ${file} (pass --db PATH or set REBOUND_DB)`);
      // opened as a plain file, not a store: a store would upgrade the schema, and a backup taken
      // before an upgrade with the new binary would then be no way back
      let db: Database.Database;
      try {
        db = new Database(file, { fileMustExist: true, timeout: 5000 });
      } catch (err) {
        throw new UsageError(`cannot use ${file} as the SQLite database: ${(err as Error).message}`);
      }
      // a name of our own beside --to (the same file system, so the final rename is atomic) that
      // cannot be a file of the user's: nothing but this run's own copy is ever removed
      const partial = `${opts.to}.rebound-backup-${process.pid}-${randomBytes(6).toString('hex')}`;
      try {
        const damage = sqliteQuickCheck(db);
        if (damage) throw new UsageError(`the database is damaged (SQLite quick_check: ${damage}); a copy would be damaged too`);
        const started = Date.now();
        try {
          await db.backup(partial);
        } catch (err) {
          throw new UsageError(`cannot write the backup to ${opts.to}: ${(err as Error).message}`);
        }
        // checked as a plain file: opening it as a store would run migrations on the backup
        const copy = new Database(partial, { readonly: true });
        const copyDamage = sqliteQuickCheck(copy);
        copy.close();
        rmSync(`${partial}-wal`, { force: true });
        rmSync(`${partial}-shm`, { force: true });
        if (copyDamage) throw new UsageError(`the copy failed its check (${copyDamage}); nothing was written to ${opts.to}`);
        renameSync(partial, opts.to);
        process.stdout.write(`backed up to ${opts.to} (${statSync(opts.to).size.toLocaleString('en-US')} bytes, ${Date.now() - started} ms, checked)\n`);
      } finally {
        rmSync(partial, { force: true });
        db.close();
      }
    });
}
