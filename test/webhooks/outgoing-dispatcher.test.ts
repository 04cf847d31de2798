import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import type { Schedule } from '../../src/policy/types.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SqliteWebhookStore } from '../../src/store/sqlite/sqlite-webhook-store.ts';
import { OutgoingDispatcher } from '../../src/webhooks/outgoing/dispatcher.ts';
import { parseEndpoints, type OutgoingEndpoint } from '../../src/webhooks/outgoing/endpoints.ts';
import { fetchPoster } from '../../src/webhooks/outgoing/http-post.ts';
import { verify } from '../../src/webhooks/index.ts';
import { startReceiver } from './helpers/http-receiver.ts';

const SECRET = 'whsec_0123456789abcdef';
// No jitter, so the test can state the exact schedule: 1 min, 2 min, 4 min…
const SCHEDULE: Schedule = { kind: 'backoff', initial: 60_000, factor: 2, max: 3_600_000, min: 1_000, jitter: 'none' };

function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-outgoing-'));
  const path = join(dir, 'rebound.db');
  const stores: SqliteStore[] = [];
  const open = () => {
    const store = new SqliteStore(path, { durability: 'normal' });
    stores.push(store);
    return { store, state: new SqliteWebhookStore(store.db) };
  };
  t.after(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new TestClock();
  const first = open();
  const engine = new Engine({ store: first.store, clock, random: seededRandom(3) });
  return { ...first, open, clock, engine };
}

function dispatcher(store: SqliteStore, state: SqliteWebhookStore, clock: TestClock, endpoints: OutgoingEndpoint[], maxAttempts = 4) {
  return new OutgoingDispatcher({ store, state, clock, wallClock: () => clock.now(), endpoints, schedule: SCHEDULE, maxAttempts, post: fetchPoster(5_000) });
}

test('every event goes to the endpoints that want its type, signed over the timestamp and the exact body', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const all = await startReceiver();
  const failures = await startReceiver();
  t.after(async () => { await all.close(); await failures.close(); });
  await engine.suppressAddress('gone@example.org');
  await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['gone@example.org']);
  const d = dispatcher(store, state, clock, [
    { url: all.url(), secret: SECRET, types: ['*'] },
    { url: failures.url(), secret: SECRET, types: ['delivery.failed'] },
  ]);

  const stats = await d.runOnce();

  const types = (await store.listEvents(0, 100)).map((e) => e.type);
  assert.deepEqual(types, ['address.suppressed', 'delivery.failed']);
  assert.deepEqual(all.received.map((r) => JSON.parse(r.body).type), types);
  assert.deepEqual(failures.received.map((r) => JSON.parse(r.body).type), ['delivery.failed']);
  assert.equal(stats.delivered, 3);
  for (const r of [...all.received, ...failures.received]) {
    const check = verify(r.headers['rebound-signature'] as string, r.body, SECRET, { now: () => clock.now() });
    assert.equal(check.ok, true, `signature verifies: ${JSON.stringify(check)}`);
    assert.equal(verify(r.headers['rebound-signature'] as string, r.body, 'whsec_someone_elses_secret', { now: () => clock.now() }).ok, false);
  }
  const failed = JSON.parse(failures.received[0]!.body);
  assert.equal(failed.recipient, 'gone@example.org');
  assert.equal(failed.data.cause, 'address-suppressed');
  assert.equal((await d.runOnce()).delivered, 0, 'nothing is sent twice once acknowledged');
});

test('a failing endpoint is retried on the policy backoff and gets the same body until it answers 2xx', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver((_, n) => (n <= 2 ? { status: 503, body: 'busy' } : { status: 204 }));
  t.after(() => receiver.close());
  await engine.suppressAddress('gone@example.org');
  const d = dispatcher(store, state, clock, [{ url: receiver.url(), secret: SECRET, types: ['address.*'] }]);
  const start = clock.now();

  assert.deepEqual(await d.runOnce(), { enqueued: 1, delivered: 0, retried: 1, dead: 0 });
  clock.advance(59_999);
  await d.runOnce();
  assert.equal(receiver.received.length, 1, 'not before the first wait (1 min) is over');
  clock.advance(1);
  await d.runOnce();
  assert.equal(receiver.received.length, 2);
  assert.equal(await state.nextOutgoingDueAt(), start + 60_000 + 120_000, 'the second wait doubles');
  clock.set(start + 180_000);
  assert.equal((await d.runOnce()).delivered, 1);
  assert.equal(receiver.received.length, 3);
  assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1, 'every try carries the same body');
  assert.deepEqual(receiver.received.map((r) => r.headers['rebound-attempt']), ['1', '2', '3']);
  assert.equal(await state.nextOutgoingDueAt(), null);
});

test('after the attempt limit a POST lands on the dead-letter list with its last error', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver(() => ({ status: 500, body: 'receiver broken' }));
  t.after(() => receiver.close());
  await engine.suppressAddress('gone@example.org');
  const d = dispatcher(store, state, clock, [{ url: receiver.url(), secret: SECRET, types: ['*'] }], 3);

  for (let i = 0; i < 10; i++) {
    await d.runOnce();
    clock.advance(3_600_000);
  }
  assert.equal(receiver.received.length, 3, 'three attempts in all, then no more');
  const dead = await d.deadLetters();
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.eventType, 'address.suppressed');
  assert.equal(dead[0]!.attempts, 3);
  assert.match(dead[0]!.lastError ?? '', /HTTP 500: receiver broken/);
});

test('an unreachable endpoint counts as a failed try, not a crash', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver();
  const url = receiver.url();
  await receiver.close(); // nothing listens on that port any more
  await engine.suppressAddress('gone@example.org');
  const d = dispatcher(store, state, clock, [{ url, secret: SECRET, types: ['*'] }], 1);
  assert.deepEqual(await d.runOnce(), { enqueued: 1, delivered: 0, retried: 0, dead: 1 });
  assert.ok((await d.deadLetters())[0]!.lastError);
});

/** A store whose first event (one@example.org suppressed) has been sent to a receiver taking everything. */
async function oneSent(t: { after: (fn: () => Promise<void>) => void }) {
  const w = setup(t);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const endpoints = [{ url: receiver.url(), secret: SECRET, types: ['*'] }];
  await w.engine.suppressAddress('one@example.org');
  await dispatcher(w.store, w.state, w.clock, endpoints).runOnce();
  return { ...w, receiver, endpoints };
}

test('a restarted dispatcher resumes from its stored cursor: nothing acknowledged is sent again, nothing new is missed', async (t) => {
  const { clock, engine, open, receiver, endpoints } = await oneSent(t);
  assert.equal(receiver.received.length, 1);

  await engine.suppressAddress('two@example.org');
  const reopened = open();
  await dispatcher(reopened.store, reopened.state, clock, endpoints).runOnce();
  assert.deepEqual(receiver.received.map((r) => JSON.parse(r.body).recipient), ['one@example.org', 'two@example.org']);
});

test('the endpoint configuration refuses unknown event types, short secrets and repeated URLs', () => {
  assert.throws(() => parseEndpoints([{ url: 'https://a.example/h', secret: SECRET, types: ['delivery.exploded'] }]), /unknown event type/);
  assert.throws(() => parseEndpoints([{ url: 'https://a.example/h', secret: 'short', types: ['*'] }]), /16 characters/);
  assert.throws(() => parseEndpoints([{ url: 'https://a.example/h', secret: SECRET }, { url: 'https://a.example/h', secret: SECRET }]), /appear once/);
  assert.throws(() => parseEndpoints([{ url: 'ftp://a.example/h', secret: SECRET }]));
  assert.deepEqual(parseEndpoints([{ url: 'https://a.example/h', secret: SECRET }])[0]!.types, ['*']);
  assert.deepEqual(parseEndpoints([{ url: 'https://a.example/h', secret: SECRET, types: ['delivery.*', 'address.suppressed'] }])[0]!.types, ['delivery.*', 'address.suppressed']);
});

test('signatures carry wall time even when the engine clock runs ahead (--time-scale), so a receiver checking its own clock accepts them', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  clock.set(Date.now() + 86_400_000); // a day ahead, as a sped-up demo is
  await engine.suppressAddress('gone@example.org');
  // no wallClock given: the default is the real clock
  const d = new OutgoingDispatcher({ store, state, clock, endpoints: [{ url: receiver.url(), secret: SECRET, types: ['*'] }], schedule: SCHEDULE, post: fetchPoster(5_000) });
  await d.runOnce();
  const r = receiver.received[0]!;
  assert.equal(verify(r.headers['rebound-signature'] as string, r.body, SECRET, { now: Date.now }).ok, true);
});

test("turned on for a store that has been running, the endpoints get events from then on, not the store's past; a restart resumes where it stopped", async (t) => {
  const { store, state, clock, engine, open } = setup(t);
  const hooks = await startReceiver();
  t.after(() => hooks.close());
  // months of history before anyone configured an endpoint
  await engine.suppressAddress('old-1@example.org');
  await engine.suppressAddress('old-2@example.org');
  const endpoints = [{ url: hooks.url(), secret: SECRET, types: ['*'] }];

  const first = dispatcher(store, state, clock, endpoints);
  await first.startFromNow();
  assert.equal((await first.runOnce()).delivered, 0);
  await engine.suppressAddress('new@example.org');
  await first.runOnce();
  assert.deepEqual(hooks.received.map((r) => JSON.parse(r.body).recipient), ['new@example.org']);

  // down for a while: what happened meanwhile is sent after the restart, nothing before it again
  await engine.suppressAddress('while-down@example.org');
  const reopened = open();
  const second = dispatcher(reopened.store, reopened.state, clock, endpoints);
  await second.startFromNow();
  await second.runOnce();
  assert.deepEqual(hooks.received.map((r) => JSON.parse(r.body).recipient), ['new@example.org', 'while-down@example.org']);
});

test('a store restored from a backup numbers new events as the lost ones were, yet their ids differ, so a receiver deduplicating by id keeps them', async (t) => {
  const { store, state, clock, engine, receiver, endpoints } = await oneSent(t);
  const backup = join(mkdtempSync(join(tmpdir(), 'rebound-backup-')), 'backup.db');
  t.after(() => rmSync(join(backup, '..'), { recursive: true, force: true }));
  await store.db.backup(backup);
  await engine.suppressAddress('lost@example.org'); // written after the backup: lost in the restore
  await dispatcher(store, state, clock, endpoints).runOnce();

  const restored = new SqliteStore(backup, { durability: 'normal' });
  t.after(() => restored.close());
  const restoredState = new SqliteWebhookStore(restored.db);
  await new Engine({ store: restored, clock, random: seededRandom(3) }).suppressAddress('after@example.org');
  await dispatcher(restored, restoredState, clock, endpoints).runOnce();

  const bodies = receiver.received.map((r) => JSON.parse(r.body));
  assert.deepEqual(bodies.map((b) => [b.seq, b.recipient]), [[1, 'one@example.org'], [2, 'lost@example.org'], [2, 'after@example.org']]);
  const ids = receiver.received.map((r) => r.headers['rebound-event-id']);
  assert.deepEqual(ids, bodies.map((b) => b.id), 'the header and the body carry the same id');
  assert.equal(new Set(ids).size, 3, `three events, three ids: ${ids.join(' ')}`);
  assert.match(String(ids[2]), /^2-[0-9a-f]{12}$/);
});

test('the same event sent again keeps its id', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver((_, n) => (n === 1 ? { status: 500 } : { status: 200 }));
  t.after(() => receiver.close());
  await engine.suppressAddress('gone@example.org');
  const d = dispatcher(store, state, clock, [{ url: receiver.url(), secret: SECRET, types: ['*'] }]);
  await d.runOnce();
  clock.advance(3_600_000);
  await d.runOnce();
  const [a, b] = receiver.received;
  assert.equal(a!.headers['rebound-event-id'], b!.headers['rebound-event-id']);
  assert.equal(a!.body, b!.body);
});

test('a POST is retried for three days by default, the last try at the end of that window, then it is a dead letter', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver(() => ({ status: 503 }));
  t.after(() => receiver.close());
  await engine.suppressAddress('gone@example.org');
  const start = clock.now();
  const d = new OutgoingDispatcher({ store, state, clock, wallClock: () => clock.now(), endpoints: [{ url: receiver.url(), secret: SECRET, types: ['*'] }], random: seededRandom(9), post: fetchPoster(5_000) });
  const tries: number[] = [];
  for (let i = 0; i < 500 && (await d.deadLetters()).length === 0; i++) {
    const before = receiver.received.length;
    await d.runOnce();
    if (receiver.received.length > before) tries.push(clock.now() - start);
    const next = await state.nextOutgoingDueAt();
    if (next === null) break;
    clock.set(Math.max(next, clock.now()));
  }
  const DAY = 86_400_000;
  assert.equal((await d.deadLetters()).length, 1);
  assert.ok(tries.at(-2)! < 3 * DAY, 'still trying on the third day');
  assert.equal(tries.at(-1), 3 * DAY, 'the last try at the end of the window');
  assert.ok(tries.every((at, i) => i === 0 || at - tries[i - 1]! <= 3_600_000), 'never more than an hour between tries');
  t.diagnostic(`${tries.length} tries over three days`);
});

test('while a secret is rotated every POST carries one v1 per secret, and a receiver holding either accepts it', async (t) => {
  const { store, state, clock, engine } = setup(t);
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const [endpoint] = parseEndpoints([{ url: receiver.url(), secret: [SECRET, 'whsec_the_new_one_0123'] }]);
  await engine.suppressAddress('gone@example.org');
  await dispatcher(store, state, clock, [endpoint!]).runOnce();
  const r = receiver.received[0]!;
  const header = r.headers['rebound-signature'] as string;
  assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 2);
  for (const secret of [SECRET, 'whsec_the_new_one_0123']) assert.equal(verify(header, r.body, secret, { now: () => clock.now() }).ok, true);
  assert.throws(() => parseEndpoints([{ url: receiver.url(), secret: [SECRET, 'short'] }]), /16 characters/);
});
