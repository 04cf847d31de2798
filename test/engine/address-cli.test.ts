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
  assert.equal(rebound('address', 'reactivate', 'nobody@example.org').status, 2);
  assert.equal(rebound('address', 'show', 'not an address').status, 2);
});
