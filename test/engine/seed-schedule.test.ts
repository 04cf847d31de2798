import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { REPLIES, ScriptedTransport, tempStore, HOUR, DAY } from './helpers.ts';

test('a 4.3.2 delivery is tried at +0, +1h, +5h, +17h and +41h, then fails and the address is unavailable for 7 days', async (t) => {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const clock = new TestClock();
  const t0 = clock.now();
  const engine = new Engine({ store, clock, random: seededRandom(1) });
  const transport = new ScriptedTransport(() => clock.now(), () => REPLIES.notAccepting());
  const scheduler = new Scheduler({ engine, transport });
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['Jane@Example.org']);
  // Walk the clock from one due time to the next, as the run loop would.
  for (;;) {
    await scheduler.runOnce();
    const next = await engine.nextDueAt();
    const delivery = await store.getDelivery(d!.id);
    if (delivery!.status === 'failed' || next === null) break;
    clock.set(next);
  }
  const attempts = await store.listAttempts(d!.id);
  assert.deepEqual(attempts.map((a) => (a.at - t0) / HOUR), [0, 1, 5, 17, 41]);
  assert.deepEqual(transport.jobs.map((j) => j.attempt), [1, 2, 3, 4, 5]);
  const final = await store.getDelivery(d!.id);
  assert.equal(final!.status, 'failed');
  assert.equal(final!.attempts, 5);
  const address = await engine.getAddress('jane@example.org');
  assert.equal(address!.status, 'unavailable');
  assert.equal(address!.until, t0 + 41 * HOUR + 7 * DAY);
  const events = await store.listEvents(0, 100);
  assert.deepEqual(events.map((e) => e.type), [
    ...Array(4).fill(['delivery.deferred', 'delivery.retry_scheduled']).flat(),
    'delivery.failed', 'address.unavailable',
  ]);
  assert.equal(events.at(-2)!.data.cause, 'exhausted');
});
