import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { dedupeBatch, normalizeWebhook } from '../../src/webhooks/index.ts';
import { options } from './helpers/fixtures.ts';

// Normalized webhook events go into the real engine on a real SQLite file: a provider that
// redelivers its batch changes nothing the second time.
async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-webhooks-'));
  const store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new TestClock();
  const engine = new Engine({ store, clock, random: seededRandom(11) });
  return { store, clock, engine };
}

test('a SendGrid batch applies once: the redelivered batch records nothing new', async (t) => {
  const { store, clock, engine } = await setup(t);
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.org']);
  const body = JSON.stringify([
    { event: 'deferred', email: 'jane@example.org', timestamp: 1767603660, sg_event_id: 'ev-1', response: '451 4.3.2 System not accepting network messages', attempt: '1', rebound_delivery_id: d!.id },
    { event: 'bounce', type: 'bounce', email: 'nobody@example.net', timestamp: 1767603661, sg_event_id: 'ev-2', reason: '550 5.1.1 The email account that you tried to reach does not exist.', status: '5.1.1' },
    { event: 'bounce', type: 'bounce', email: 'nobody@example.net', timestamp: 1767603661, sg_event_id: 'ev-2', reason: '550 5.1.1 The email account that you tried to reach does not exist.', status: '5.1.1' },
  ]);
  const apply = async () => {
    const batch = normalizeWebhook('sendgrid', body, options(clock));
    const { unique, duplicates } = dedupeBatch(batch.results);
    assert.equal(duplicates.length, 1, 'the repeat inside the batch is removed before the engine');
    const results = [];
    for (const r of unique) results.push(await engine.applyBounceEvent(r.event));
    return results;
  };

  const first = await apply();
  assert.deepEqual(first.map((r) => r.applied), [true, true]);
  const delivery = (await store.getDelivery(d!.id))!;
  assert.equal(delivery.status, 'deferred', 'the ESP\'s 4.3.2 deferred our delivery like our own would');
  assert.equal((await engine.getAddress('nobody@example.net'))!.status, 'suppressed', 'the hard bounce suppressed the address');
  const eventsAfterFirst = (await store.listEvents(0, 1000)).length;

  clock.advance(60_000);
  const again = await apply();
  assert.deepEqual(again.map((r) => r.applied), [false, false]);
  assert.deepEqual(await store.getDelivery(d!.id), delivery);
  assert.equal((await store.listEvents(0, 1000)).length, eventsAfterFirst);
});
