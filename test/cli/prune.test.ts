import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/engine/engine.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { attemptId } from '../../src/engine/ids.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { DAY_MS } from '../../src/store/retention.ts';
import { REPLIES, outcome } from '../engine/helpers.ts';

const bin = fileURLToPath(new URL('../../bin/rebound', import.meta.url));
const rebound = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, REBOUND_DB: '' } });

test('rebound prune: a dry run counts, a run deletes what is older than the period, suppressions stay; bad periods are usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-prune-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'r.db');
  // a campaign 40 days ago (wall time: the command counts back from now) and one today
  const store = new SqliteStore(db);
  const clock = new TestClock(Date.now() - 40 * DAY_MS);
  const engine = new Engine({ store, clock });
  const old = await engine.submit({ from: 'news@sender.example', raw: 'Subject: a\r\n\r\na\r\n' }, ['ok@example.org', 'gone@example.org']);
  await engine.recordOutcomes(old.deliveries.map((d, i) => outcome({ deliveryId: d.id, attemptId: attemptId(d.id, 1) }, i === 0 ? REPLIES.ok() : REPLIES.userUnknown(), clock.now())));
  clock.set(Date.now());
  const recent = await engine.submit({ from: 'news@sender.example', raw: 'Subject: b\r\n\r\nb\r\n' }, ['new@example.org']);
  await store.close();

  const dry = rebound('prune', '--db', db, '--older-than', '30d', '--dry-run', '--json');
  assert.equal(dry.status, 0, dry.stderr);
  const counted = JSON.parse(dry.stdout) as Record<string, unknown>;
  assert.equal(counted.dryRun, true);
  assert.equal(counted.deliveries, 2);
  assert.equal(counted.messages, 1);

  const run = rebound('prune', '--db', db, '--older-than', '30d');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /deleted what was finished or recorded before .*\n\s+deliveries\s+2 \(attempts: 2\)\n\s+messages\s+1\n/);
  assert.match(run.stdout, /kept: addresses and suppressions/);

  const after = new SqliteStore(db, { upgrade: false });
  try {
    assert.equal(await after.getMessage(old.messageId), null);
    assert.equal(await after.getDelivery(old.deliveries[0]!.id), null);
    assert.ok(await after.getDelivery(recent.deliveries[0]!.id));
    assert.equal((await after.getAddress('gone@example.org'))?.status, 'suppressed');
  } finally {
    await after.close();
  }

  for (const bad of ['0d', '12h', 'soon', '1000000000d']) {
    const r = rebound('prune', '--db', db, '--older-than', bad);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--older-than/);
  }
  const missing = rebound('prune', '--db', db);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--older-than/);
});

test('rebound prune counts back from the wall clock, not from times a sped-up server wrote ahead of it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-prune-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'r.db');
  const store = new SqliteStore(db);
  // a delivery finished 100 days ahead of the wall, then the store's latest time 200 days ahead
  const clock = new TestClock(Date.now() + 100 * DAY_MS);
  const engine = new Engine({ store, clock });
  const ahead = await engine.submit({ from: 'news@sender.example', raw: 'Subject: a\r\n\r\na\r\n' }, ['ok@example.org']);
  const id = ahead.deliveries[0]!.id;
  await engine.recordOutcome(id, outcome({ deliveryId: id, attemptId: attemptId(id, 1) }, REPLIES.ok(), clock.now()));
  clock.set(Date.now() + 200 * DAY_MS);
  await engine.submit({ from: 'news@sender.example', raw: 'Subject: b\r\n\r\nb\r\n' }, ['later@example.org']);
  await store.close();
  const run = rebound('prune', '--db', db, '--older-than', '30d', '--json');
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { deliveries: number }).deliveries, 0);
});
