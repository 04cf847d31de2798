import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
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
