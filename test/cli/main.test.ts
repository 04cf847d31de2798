import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

test('rebound --help prints usage and exits 0', () => {
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: rebound/);
});

test('an unknown command is a usage error with exit code 2', () => {
  const r = spawnSync(bin, ['no-such-command'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /error: (unknown command|too many arguments)/);
});

test('a reader that closes the pipe early (| head) ends the run quietly, exit 0', async () => {
  // enough output to outgrow the pipe's buffer, so the writer is still writing when it closes
  const dir = mkdtempSync(join(tmpdir(), 'rebound-epipe-'));
  const bounce = readFileSync(new URL('../fixtures/dsn/postfix-dsn.eml', import.meta.url));
  for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `b${i}.eml`), bounce);
  try {
    const child = spawn(bin, ['parse', '--jsonl', dir]);
    const stderr: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(Buffer.concat(stderr).toString(), '');
    assert.equal(code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the commands that read the database default to the file rebound serve writes', async () => {
  const { defaultDbPath } = await import('../../src/store/open-store.ts');
  const { DEFAULTS } = await import('../../src/server/config.ts');
  assert.equal(defaultDbPath(undefined, {}), DEFAULTS.db);
  assert.equal(defaultDbPath(undefined, { REBOUND_DB: '/tmp/x.db' }), '/tmp/x.db');
  assert.equal(defaultDbPath('/tmp/y.db', { REBOUND_DB: '/tmp/x.db' }), '/tmp/y.db');
});

test('reading commands refuse a missing database instead of creating an empty one; token create makes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-nodb-'));
  const db = join(dir, 'sub', 'rebound.db');
  try {
    for (const args of [['token', 'list'], ['token', 'revoke', 'tok_x'], ['destinations'], ['report'], ['address', 'show', 'a@example.org']]) {
      const r = spawnSync(bin, [...args, '--db', db], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /no database at .*rebound\.db/);
      assert.equal(existsSync(db), false, `${args.join(' ')} left a file behind`);
    }
    const made = spawnSync(bin, ['token', 'create', '--db', db, '--label', 'ci'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /\S{20,}/);
    const listed = spawnSync(bin, ['token', 'list', '--db', db], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /full\s+\S+\s+ci/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rebound serve with a rules or policy file that does not load stops with exit 2 and names the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-serve-bad-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'rules:\n  - id: x\n    reason: nonsense\n    text: ["abc"]\n');
    for (const flag of ['--rules', '--policy']) {
      const r = spawnSync(bin, ['serve', flag, bad, '--db', join(dir, 'r.db'), '--port', '0', '--smtp-port', '0'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, `${flag}: ${r.stderr}`);
      assert.match(r.stderr, /bad\.yaml/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('address suppress twice says nothing changed; --json times are ISO 8601 like the API; destinations --health says when none match', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-address-cli-'));
  const db = join(dir, 'r.db');
  try {
    const first = spawnSync(bin, ['address', 'suppress', 'jane@example.org', '--db', db, '--reason', 'asked', '--json'], { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const a = JSON.parse(first.stdout) as { status: string; reason: string; updatedAt: string };
    assert.deepEqual([a.status, a.reason], ['suppressed', 'asked']);
    assert.match(a.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const again = spawnSync(bin, ['address', 'suppress', 'jane@example.org', '--db', db, '--reason', 'other'], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /already suppressed \(asked\): nothing changed/);
    const none = spawnSync(bin, ['destinations', '--db', db, '--health', 'suspended'], { encoding: 'utf8' });
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /^(no destinations yet|no destinations in state suspended)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database file that is not SQLite is a clear error naming the file, for serve and for the reading commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-corrupt-db-'));
  try {
    const db = join(dir, 'junk.db');
    writeFileSync(db, Buffer.alloc(8192, 0x5a));
    for (const args of [['serve', '--db', db, '--port', '0', '--smtp-port', '0'], ['destinations', '--db', db]]) {
      const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /cannot use .*junk\.db as the SQLite database: file is not a database/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
