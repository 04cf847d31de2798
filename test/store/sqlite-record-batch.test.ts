import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Change, RecordState } from '../../src/store/store.ts';
import type { AddressRecord } from '../../src/store/types.ts';
import { delivery, message, write } from './fixtures.ts';

const T = 1_700_000_000_000;

function open(t: { after: (fn: () => void) => void }, options?: ConstructorParameters<typeof SqliteStore>[1]): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-record-batch-'));
  const store = new SqliteStore(join(dir, 'r.db'), options);
  t.after(() => {
    store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** One attempt on whatever delivery the store shows, counted from what it shows. */
function attemptOn(state: RecordState, attemptId: string): Change {
  const d = state.delivery!;
  const n = d.attempts + 1;
  const address: AddressRecord = state.address
    ? { ...state.address, deferralCount: state.address.deferralCount + 1 }
    : { email: d.recipient, status: 'deferred', until: null, reason: 'busy', deferralCount: 1, failureCount: 0, hardBounceCount: 0, updatedAt: T };
  return {
    attempt: { id: attemptId, deliveryId: d.id, n, at: T + n, source: 'smtp', destination: null, phase: null, basic: 451, enhanced: '4.3.2', class: 'transient', reason: 'notaccept', response: '451 busy', durationMs: 1, rule: 'r' },
    delivery: { ...d, status: 'deferred', attempts: n, nextAttemptAt: T + 1000 * n, updatedAt: T + n },
    address,
    events: [],
  };
}

test('a batch larger than one read chunk sees every delivery it names, and unknown ones as null', async (t) => {
  const store = open(t);
  const ids = Array.from({ length: 150 }, (_, i) => `d${String(i).padStart(3, '0')}`);
  await store.submit([], write(message('m', T), ids.map((id) => delivery(id, 'm', T))));
  const seen: Array<string | null> = [];
  await store.record([...ids, 'missing'].map((id) => ({ deliveryId: id, attemptId: null })), (item, state) => {
    seen.push(state.delivery?.id ?? null);
    return null;
  });
  assert.deepEqual(seen, [...ids, null]);
});

test('two outcomes for one delivery in one batch: the second decision sees the first one written', async (t) => {
  const store = open(t);
  await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
  const attemptsSeen: number[] = [];
  const deferralsSeen: number[] = [];
  await store.record([{ deliveryId: 'd', attemptId: 'd#1' }, { deliveryId: 'd', attemptId: 'd#2' }], (item, state) => {
    attemptsSeen.push(state.delivery!.attempts);
    deferralsSeen.push(state.address?.deferralCount ?? 0);
    return attemptOn(state, item.attemptId!);
  });
  assert.deepEqual(attemptsSeen, [0, 1]);
  assert.deepEqual(deferralsSeen, [0, 1]);
  assert.equal((await store.getDelivery('d'))!.attempts, 2);
  assert.equal((await store.getAddress('d@example.org'))!.deferralCount, 2);
});

test('attempt ids already stored are skipped across read chunks, and a repeat inside one batch is skipped too', async (t) => {
  const store = open(t);
  const ids = Array.from({ length: 100 }, (_, i) => `d${String(i).padStart(3, '0')}`);
  await store.submit([], write(message('m', T), ids.map((id) => delivery(id, 'm', T))));
  await store.record(ids.filter((_, i) => i % 2 === 0).map((id) => ({ deliveryId: id, attemptId: `${id}#1` })), (item, state) => attemptOn(state, item.attemptId!));
  let asked = 0;
  const changes = await store.record([...ids, ids[1]!].map((id) => ({ deliveryId: id, attemptId: `${id}#1` })), (item, state) => {
    asked++;
    return attemptOn(state, item.attemptId!);
  });
  assert.equal(asked, 50);
  assert.equal(changes.filter((c) => c !== null).length, 50);
  assert.equal(changes.at(-1), null);
  for (const id of ids) assert.equal((await store.listAttempts(id)).length, 1, id);
});

test('a claim leaves the connection at the durability it found', async (t) => {
  const full = open(t);
  const normal = open(t, { durability: 'normal' });
  for (const store of [full, normal]) {
    await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
    const before = store.db.pragma('synchronous', { simple: true });
    assert.equal((await store.claimDue({ now: T, limit: 10, worker: 'w', lockedUntil: T + 60_000 })).length, 1);
    assert.equal(store.db.pragma('synchronous', { simple: true }), before);
  }
  assert.equal(full.db.pragma('synchronous', { simple: true }), 2);
  assert.equal(normal.db.pragma('synchronous', { simple: true }), 1);
});

test('the WAL is checkpointed every 10,000 pages by default, or as configured', async (t) => {
  assert.equal(open(t).db.pragma('wal_autocheckpoint', { simple: true }), 10_000);
  assert.equal(open(t, { checkpointPages: 500 }).db.pragma('wal_autocheckpoint', { simple: true }), 500);
});

test('a batch of 137 outcomes (64 + 64 + 8 + 1 rows per statement) leaves each delivery, address and attempt with its own values', async (t) => {
  const store = open(t);
  const ids = Array.from({ length: 137 }, (_, i) => `e${String(i).padStart(3, '0')}`);
  await store.submit([], write(message('m', T), ids.map((id) => delivery(id, 'm', T))));
  await store.record(ids.map((id) => ({ deliveryId: id, attemptId: `${id}#1` })), (item, state) => {
    const c = attemptOn(state, item.attemptId!);
    const i = Number(item.deliveryId.slice(1));
    return { ...c, delivery: { ...c.delivery!, nextAttemptAt: T + i, updatedAt: T + 5000 + i }, address: { ...c.address!, reason: `r${i}` } };
  });
  for (const [i, id] of ids.entries()) {
    const d = (await store.getDelivery(id))!;
    assert.deepEqual([d.status, d.attempts, d.nextAttemptAt, d.updatedAt], ['deferred', 1, T + i, T + 5000 + i], id);
    assert.equal((await store.getAddress(d.recipient))!.reason, `r${i}`, id);
    assert.deepEqual((await store.listAttempts(id)).map((a) => a.id), [`${id}#1`]);
  }
});
