import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

test('rebound address suppress, show and reactivate change and report one address', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-address-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'r.db');
  const rebound = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, REBOUND_DB: db } });

  const missing = rebound('address', 'show', 'jane@example.org');
  assert.equal(missing.status, 2, 'no database yet: nothing is created by a read');
  assert.ok(!existsSync(db));

  const s = rebound('address', 'suppress', 'Jane@Example.org', '--reason', 'complaint', '--json');
  assert.equal(s.status, 0, s.stderr);
  assert.deepEqual([JSON.parse(s.stdout).status, JSON.parse(s.stdout).reason], ['suppressed', 'complaint']);
  const shown = rebound('address', 'show', 'jane@example.org');
  assert.match(shown.stdout, /jane@example\.org: suppressed \(complaint\)/);
  const r = rebound('address', 'reactivate', 'jane@example.org', '--json');
  assert.equal(JSON.parse(r.stdout).status, 'active');
  // an address nothing was ever recorded against is active: reactivating it changes nothing, and says so
  const never = rebound('address', 'reactivate', 'nobody@example.org');
  assert.equal(never.status, 0);
  assert.match(never.stderr, /nobody@example\.org is already active: nothing changed/);
  assert.match(never.stdout, /nobody@example\.org: active \(no deferral, failure or report recorded\)/);
  // an internationalised domain is the same address in either form, as in the API
  assert.equal(rebound('address', 'suppress', 'anna@Bücher.example').status, 0);
  assert.match(rebound('address', 'show', 'anna@xn--bcher-kva.example').stdout, /anna@xn--bcher-kva\.example: suppressed/);
  assert.equal(rebound('address', 'show', 'not an address').status, 2);
});

test('rebound address import suppresses a list exported from elsewhere, CSV or one per line, and says what it could not read', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'r.db');
  const list = join(dir, 'suppressions.csv');
  writeFileSync(list, ['Email Address,Reason,Date', '"Jane@Example.ORG",hard bounce,2026-01-01', 'bob@example.org;complaint', 'not an address,x', '# a comment', '', 'bob@example.org,again'].join('\r\n'));
  const rebound = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, REBOUND_DB: db } });
  const first = rebound('address', 'import', list, '--json');
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), { suppressed: 2, already: 0, duplicates: 1, invalid: ['not an address'] });
  assert.match(rebound('address', 'show', 'jane@example.org').stdout, /jane@example\.org: suppressed \(import\)/);
  const again = rebound('address', 'import', list, '--reason', 'ses export');
  assert.match(again.stdout, /suppressed 0, already suppressed 2, repeated in the file 1, not addresses 1/);
  // a spreadsheet's "Unicode text" export: UTF-16 with its byte-order mark
  const utf16 = join(dir, 'utf16.txt');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email\r\nnew@example.org\r\nNEW@example.org\r\n', 'utf16le')]));
  assert.deepEqual(JSON.parse(rebound('address', 'import', utf16, '--json').stdout), { suppressed: 1, already: 0, duplicates: 1, invalid: [] });
  assert.equal(rebound('address', 'import', list, '--reason', 'x'.repeat(201)).status, 2, 'a reason the API would refuse is refused here too');
  writeFileSync(list, 'email\n');
  assert.equal(rebound('address', 'import', list).status, 2, 'a list with no address in it is a mistake worth an exit code');
  assert.equal(rebound('address', 'import', join(dir, 'missing.csv')).status, 2);
});
