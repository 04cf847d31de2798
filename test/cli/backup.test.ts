import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { Engine } from '../../src/engine/engine.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { startServer } from '../../src/server/server.ts';
import { DEFAULTS } from '../../src/server/config.ts';
import { StoreOpenError } from '../../src/store/open-store.ts';
import { pino } from 'pino';
import Database from 'better-sqlite3';
import { migrate } from '../../src/store/sqlite/migrate.ts';
import { migrations } from '../../src/store/sqlite/migrations/index.ts';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;
const rebound = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, REBOUND_DB: '' } });

test('rebound backup copies a store that is open and being written, into one checked file the server can use', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'live.db');
  // the store stays open, with recent writes still in its -wal file, as under a running server
  const store = new SqliteStore(db);
  t.after(() => store.close());
  const engine = new Engine({ store, clock: new TestClock() });
  for (let i = 0; i < 50; i++) await engine.submit({ from: 'news@sender.test', raw: 'Subject: s\r\n\r\nhello\r\n' }, [`u${i}@example.org`]);
  await engine.suppressAddress('gone@example.org');
  assert.ok(statSync(`${db}-wal`).size > 0, 'writes are in the -wal file');

  const to = join(dir, 'copy.db');
  const r = rebound('backup', '--db', db, '--to', to);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /backed up to .*copy\.db \([\d,]+ bytes, \d+ ms, checked\)/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('copy')), ['copy.db'], 'one file, nothing beside it');

  const copy = new SqliteStore(to);
  t.after(() => copy.close());
  assert.equal((await copy.getAddress('gone@example.org'))?.status, 'suppressed');
  assert.equal((await copy.countDeliveries()).queued, 50);

  // a file of the user's that happens to sit beside the target is never touched
  const to2 = join(dir, 'copy2.db');
  writeFileSync(`${to2}.partial`, 'precious');
  assert.equal(rebound('backup', '--db', db, '--to', to2).status, 0);
  assert.equal(readFileSync(`${to2}.partial`, 'utf8'), 'precious');
  const again = rebound('backup', '--db', db, '--to', to);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /exists \(pass --force/);
  assert.equal(rebound('backup', '--db', db, '--to', to, '--force').status, 0);
  const nowhere = rebound('backup', '--db', db, '--to', join(dir, 'no-such-dir', 'x.db'));
  assert.equal(nowhere.status, 2);
  assert.match(nowhere.stderr, /cannot write the backup to .*no-such-dir\/x\.db: /);
  const pg = rebound('backup', '--db', 'postgres://127.0.0.1/rebound', '--to', join(dir, 'pg.db'));
  assert.equal(pg.status, 2);
  assert.match(pg.stderr, /pg_dump/);
});

test('a SQLite file with a good header and damaged pages: serve refuses to start and backup refuses to copy, both saying so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-damaged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'damaged.db');
  const store = new SqliteStore(db);
  const engine = new Engine({ store, clock: new TestClock() });
  for (let i = 0; i < 400; i++) await engine.submit({ from: 'news@sender.test', raw: `Subject: s\r\n\r\n${'x'.repeat(400)}\r\n` }, [`u${i}@example.org`]);
  await store.close();
  // overwrite pages in the middle of the file, leaving the header (page 1) intact
  const size = statSync(db).size;
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(16 * 4096, 0xa5), 0, 16 * 4096, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);

  await assert.rejects(
    startServer({ ...DEFAULTS, db, port: 0, smtpPort: 0, apiTokens: ['t-0123456789abcdef'], logLevel: 'silent' }, { logger: pino({ level: 'silent' }) }),
    (err: Error) => err instanceof StoreOpenError && /damaged\.db is damaged \(SQLite quick_check: .+\); restore it from a backup/s.test(err.message),
  );
  const r = rebound('backup', '--db', db, '--to', join(dir, 'copy.db'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /damaged/);
  assert.ok(!existsSync(join(dir, 'copy.db')));
});

test('only rebound serve upgrades a database: a backup of an older schema leaves it and its copy as they were, a report refuses it, and the server then upgrades it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-upgrade-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'old.db');
  // a database written by an earlier Rebound: all but the last two migrations
  const old = new Database(file);
  migrate(old, migrations.slice(0, migrations.length - 2));
  old.close();
  const schema = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare('SELECT MAX(id) AS n FROM schema_migrations').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const before = migrations.length - 2;
  const copy = join(dir, 'before-upgrade.db');
  const backup = rebound('backup', '--db', file, '--to', copy);
  assert.equal(backup.status, 0, backup.stderr);
  assert.deepEqual([schema(file), schema(copy)], [before, before], 'the backup is a way back');
  const report = rebound('report', '--db', file);
  assert.equal(report.status, 2);
  assert.match(report.stderr, new RegExp(`schema ${before} and this Rebound uses schema ${migrations.length}; only rebound serve upgrades it`));
  assert.equal(schema(file), before);
  const store = new SqliteStore(file);
  assert.deepEqual(store.migrated, [before + 1, before + 2], 'the server applies what was missing, and says so');
  await store.close();
  assert.equal(schema(file), migrations.length);
});
