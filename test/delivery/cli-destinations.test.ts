import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { HealthGate, healthStoreFor } from '../../src/delivery/health/index.ts';
import { policyWith } from './helpers/policy.ts';
import { outcome } from './helpers/outcomes.ts';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;
// ahead of the wall clock, as a store written under --time-scale is: "now" is the store's latest time
const T0 = Date.UTC(2030, 0, 5, 9, 0, 0);

/** A database where the gate suspended one destination, an earlier suspension of another is over, and a third is fine. */
async function database(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'rebound-destinations-')), 'rebound.db');
  const store = new SqliteStore(path);
  const gate = new HealthGate({ policy: policyWith({ suspend: { after: 1 } }), store: healthStoreFor(store) });
  await gate.observe('over.test', outcome(T0 - 3_600_000, '421 4.3.2 Service shutting down', 'connect', 'mx.over.test'));
  await gate.observe('down.test', outcome(T0, '451 4.3.2 System not accepting network messages', 'rcpt', 'mx.down.test'));
  await gate.observe('fine.test', outcome(T0, '250 2.0.0 Ok', 'message', 'mx.fine.test'));
  await store.updateDestinationHealth('fine.test', { health: 'open', suspendedUntil: null }, T0);
  await store.close();
  return path;
}

describe('rebound destinations', () => {
  test('lists every destination with its health and suspension, as a table or JSON, and filters by health', async () => {
    const db = await database();
    const table = spawnSync(bin, ['destinations', '--db', db], { encoding: 'utf8' });
    assert.equal(table.status, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^domain\s+health\s+until\s+mx host\s+attempts\s+ok\s+failed\s+since ok\s+last reply$/);
    assert.match(lines[1]!, /^down\.test\s+suspended\s+2030-01-05T09:05:00Z /);
    assert.match(lines[2]!, /^fine\.test\s+open/);
    // the suspension ended an hour ago and no delivery has asked since: the next one probes
    assert.match(lines[3]!, /^over\.test\s+probing\s+2030-01-05T08:05:00Z \(over\)/);

    const json = spawnSync(bin, ['destinations', '--db', db, '--json', '--health', 'suspended'], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Array<{ domain: string; health: string; suspendedUntil: string }>;
    // times as ISO 8601, as GET /v1/destinations gives them
    assert.deepEqual(rows.map((r) => [r.domain, r.health, r.suspendedUntil]), [['down.test', 'suspended', new Date(T0 + 5 * 60_000).toISOString()]]);
  });

  test('a missing database or an unknown state is a usage error', () => {
    const missing = spawnSync(bin, ['destinations', '--db', '/nonexistent/rebound.db'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no database at \/nonexistent\/rebound\.db/);
    const bad = spawnSync(bin, ['destinations', '--db', '/nonexistent/rebound.db', '--health', 'sick'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--health must be one of open, suspended, probing/);
  });
});
