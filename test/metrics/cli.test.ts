import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { world, REPLIES, HOUR } from './helpers.ts';
import { classification } from '../engine/helpers.ts';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

/** A database with one 5-hour incident at a.example, whose delivered recipient then reports it as spam, and one recipient still deferred at b.example. */
async function database() {
  const w = world((job, now) => (job.domain === 'b.example' || now - w.t0 < 5 * HOUR ? REPLIES.notAccepting() : REPLIES.ok()));
  const { deliveries: [risky] } = await w.send(['@risky@a.example'.slice(1), 'two@b.example']);
  await w.runUntil(w.t0 + 6 * HOUR);
  await w.engine.applyBounceEvent({
    source: 'webhook', provider: 'ses', eventId: 'complaint-1', recipient: risky!.recipient, deliveryId: risky!.id, originalMessageId: null,
    at: w.clock.now(), destination: null, response: '', classification: classification('', 'feedback', { action: 'none', retryable: false }),
  });
  await w.store.close();
  return w;
}

test('rebound report prints the tables, sparkline and heatmap, and --json the summary for the window', async (t) => {
  const w = await database();
  t.after(w.cleanup);
  const window = ['--from', new Date(w.t0).toISOString(), '--to', new Date(w.t0 + 6 * HOUR).toISOString()];
  const text = spawnSync(bin, ['report', '--db', w.path, ...window], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /Deferrals: 5/);
  assert.match(text.stdout, /^Spam complaints: 1 — complaint rate 100\.000 % — 0\.3 % or more: Gmail and Yahoo filter or refuse bulk mail$/m);
  assert.match(text.stdout, /Refused for good \(permanent failures\): 0\n  no permanent failures/);
  assert.match(text.stdout, /over time  [▁-█]{6} /);
  assert.match(text.stdout, /^a\.example .* 5 h$/m);
  assert.match(text.stdout, /p50 5 h, p90 5 h, max 5 h/);
  assert.match(text.stdout, /^Mon  ·{9}█/m);
  const json = spawnSync(bin, ['report', '--db', w.path, ...window, '--json', '--domain', 'a.example'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const s = JSON.parse(json.stdout);
  assert.deepEqual([s.deferrals.total, s.resolution.count, s.resolution.maxSeconds, s.retrySuccess.rate], [2, 1, 18000, 1]);
  const bad = spawnSync(bin, ['report', '--db', w.path, '--enhanced', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /enhanced must be a code/);
});

test('rebound segment export streams the deferred recipients as CSV to a file', async (t) => {
  const w = await database();
  t.after(w.cleanup);
  const out = join(dirname(w.path), 'deferred.csv');
  const r = spawnSync(bin, ['segment', 'export', '--db', w.path, '--kind', 'deferred', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^two@b\.example,b\.example,deferred,notaccept,4\.3\.2,3,/);
  const touched = spawnSync(bin, ['segment', 'export', '--db', w.path, '--format', 'jsonl', '--enhanced', '4.3.2'], { encoding: 'utf8' });
  assert.deepEqual(touched.stdout.trim().split('\n').map((l) => JSON.parse(l).recipient), ['risky@a.example', 'two@b.example']);
});

test('rebound report on a store whose time runs ahead of the wall clock (serve --time-scale): open incidents have their true age', async (t) => {
  // a sped-up server a year ahead of wall time; b.example has refused for 6 hours of its time
  const w = world((job) => (job.domain === 'b.example' ? REPLIES.notAccepting() : REPLIES.ok()), 'UTC', 'SQLite', Date.now() + 365 * 24 * HOUR);
  t.after(w.cleanup);
  await w.send(['two@b.example']);
  await w.runUntil(w.t0 + 6 * HOUR);
  await w.store.close();
  const r = spawnSync(bin, ['report', '--db', w.path, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { resolution: { open: Array<{ domain: string; ageSeconds: number }> }; destinations: Array<{ domain: string; unavailableSeconds: number }> };
  const open = s.resolution.open.find((i) => i.domain === 'b.example');
  assert.ok(open, JSON.stringify(s.resolution));
  // the store's latest time is its last attempt (at +5 h); the age counts from there, not from the wall clock a year behind
  assert.ok(open.ageSeconds >= 5 * 3600 && open.ageSeconds < 7 * 3600, `age ${open.ageSeconds}`);
  const top = s.destinations.find((d) => d.domain === 'b.example');
  assert.ok(top && top.unavailableSeconds >= 5 * 3600, JSON.stringify(s.destinations));
});

test('rebound segment export right after rebound address suppress, on a store ahead of the wall clock, lists the address', async (t) => {
  const { SqliteStore } = await import('../../src/store/sqlite/sqlite-store.ts');
  const { Engine } = await import('../../src/engine/engine.ts');
  const { TestClock } = await import('../../src/engine/clock.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'rebound-segment-ahead-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'r.db');
  // as after `rebound demo --keep`: the engine ran two days ahead of the wall clock
  const store = new SqliteStore(db);
  await new Engine({ store, clock: new TestClock(Date.now() + 2 * 86_400_000) }).submit({ from: 'a@sender.test', raw: 'Subject: x\r\n\r\ny\r\n' }, ['x@example.test']);
  await store.close();
  assert.equal(spawnSync(bin, ['address', 'suppress', 'gone@example.test', '--db', db], { encoding: 'utf8' }).status, 0);
  const out = spawnSync(bin, ['segment', 'export', '--db', db, '--kind', 'suppressed', '--format', 'jsonl'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(out.stdout.trim().split('\n').map((l) => JSON.parse(l).recipient), ['gone@example.test']);
});
