import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/engine.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { attemptId } from '../../src/engine/ids.ts';
import { openMetrics } from '../../src/metrics/open-metrics.ts';
import { DAY_MS, parseRetention, pruneStore, retentionTargetOf } from '../../src/store/retention.ts';
import { upsertCursor } from '../../src/store/sql/webhooks.ts';
import type { Store } from '../../src/store/store.ts';
import { REPLIES, outcome } from '../engine/helpers.ts';
import { postgresAvailability, postgresFactory, sqliteFactory, type StoreFactory } from './contract/factories.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const raw = 'Subject: hello\r\n\r\nhi\r\n';

/**
 * A month-old campaign (one delivered, one unknown user, one still deferred) and a fresh one, on a
 * real store; the clock then moves on 45 days.
 */
async function history(store: Store) {
  const clock = new TestClock(T0);
  const engine = new Engine({ store, clock });
  const old = await engine.submit({ from: 'news@sender.example', raw }, ['ok@example.org', 'gone@example.org']);
  const waiting = await engine.submit({ from: 'news@sender.example', raw }, ['slow@example.net']);
  const [ok, gone] = old.deliveries;
  const [slow] = waiting.deliveries;
  await engine.recordOutcomes([
    outcome({ deliveryId: ok!.id, attemptId: attemptId(ok!.id, 1) }, REPLIES.ok(), T0),
    outcome({ deliveryId: gone!.id, attemptId: attemptId(gone!.id, 1) }, REPLIES.userUnknown(), T0),
    outcome({ deliveryId: slow!.id, attemptId: attemptId(slow!.id, 1) }, REPLIES.busy(), T0),
  ]);
  clock.set(T0 + 40 * DAY_MS);
  const recent = await engine.submit({ from: 'news@sender.example', raw }, ['new@example.org']);
  const [fresh] = recent.deliveries;
  await engine.recordOutcome(fresh!.id, outcome({ deliveryId: fresh!.id, attemptId: attemptId(fresh!.id, 1) }, REPLIES.ok(), clock.now()));
  clock.set(T0 + 45 * DAY_MS);
  return { clock, engine, old, waiting, recent, ids: { ok: ok!.id, gone: gone!.id, slow: slow!.id, fresh: fresh!.id } };
}

function retentionSuite(factory: StoreFactory): void {
  describe(`retention: ${factory.name}`, { skip: factory.skip ?? false }, () => {
    async function fresh(t: { after: (fn: () => Promise<void>) => void }): Promise<Store> {
      const f = await factory.fresh();
      const store = f.open();
      t.after(async () => {
        await store.close();
        await f.cleanup();
      });
      return store;
    }

    test('deletes finished deliveries, their attempts and their message; keeps waiting ones, suppressions and the metrics', async (t) => {
      const store = await fresh(t);
      const h = await history(store);
      const metrics = openMetrics(store, { clock: h.clock });
      const window = { from: T0 - DAY_MS, to: h.clock.now() };
      const before = await metrics.summary(window);
      assert.deepEqual([before.outcomes.delivered, before.outcomes.refused], [2, 1]);
      const target = retentionTargetOf(store);
      const cutoff = h.clock.now() - 30 * DAY_MS;

      const dry = await pruneStore(target, { before: cutoff, dryRun: true, beforeEvents: () => metrics.sync() });
      assert.equal(dry.deliveries, 2, 'the delivered and the failed delivery of the old campaign');
      assert.equal(dry.messages, 1, 'only the old campaign: the waiting one keeps its message');
      assert.ok(dry.events > 0);
      assert.ok(await store.getDelivery(h.ids.ok), 'a dry run deletes nothing');

      const done = await pruneStore(target, { before: cutoff, batchSize: 1, beforeEvents: () => metrics.sync() });
      assert.equal(done.deliveries, 2);
      assert.equal(done.attempts, 2);
      assert.equal(done.messages, 1);
      assert.equal(done.events, dry.events, 'the dry run counted what was deleted');
      assert.equal(await store.getDelivery(h.ids.ok), null);
      assert.equal(await store.getDelivery(h.ids.gone), null);
      assert.deepEqual(await store.listAttempts(h.ids.ok), []);
      assert.equal(await store.getMessage(h.old.messageId), null);
      // kept: the deferred delivery and its message, the recent campaign, the suppression
      assert.equal((await store.getDelivery(h.ids.slow))?.status, 'deferred');
      assert.ok(await store.getMessage(h.waiting.messageId));
      assert.equal((await store.getDelivery(h.ids.fresh))?.status, 'delivered');
      assert.equal((await store.listAttempts(h.ids.fresh)).length, 1);
      assert.equal((await store.getAddress('gone@example.org'))?.status, 'suppressed');
      assert.equal((await h.engine.submit({ from: 'news@sender.example', raw }, ['gone@example.org'])).deliveries[0]!.status, 'failed', 'a suppressed address stays refused');
      // what the metrics said about the pruned month is unchanged
      assert.deepEqual(await metrics.summary(window), before);
      // the outbox keeps every event of the last 30 days
      const left = await store.listEvents(0, 1000);
      assert.ok(left.length > 0 && left.every((e) => e.at >= cutoff));

      const again = await pruneStore(target, { before: cutoff, beforeEvents: () => metrics.sync() });
      assert.deepEqual([again.deliveries, again.messages, again.events], [0, 0, 0], 'a second run finds nothing more');
    });

    test('events an outgoing-webhook cursor has not read are kept, and the report says who holds them', async (t) => {
      const store = await fresh(t);
      const h = await history(store);
      const metrics = openMetrics(store, { clock: h.clock });
      const target = retentionTargetOf(store);
      await target.pruneWrite([{ statement: upsertCursor, values: { name: 'outgoing-webhooks', eventId: 1 } }]);
      const done = await pruneStore(target, { before: h.clock.now() - 30 * DAY_MS, beforeEvents: () => metrics.sync() });
      assert.equal(done.events, 1, 'only the event the dispatcher has read');
      assert.deepEqual(done.eventsKeptAfter, { eventId: 1, heldBy: 'outgoing webhooks, cursor outgoing-webhooks' });
      assert.equal((await store.listEvents(0, 1))[0]?.id, 2);
    });

    test('without a metrics fold nothing in the outbox is deleted', async (t) => {
      const store = await fresh(t);
      const h = await history(store);
      const done = await pruneStore(retentionTargetOf(store), { before: h.clock.now() - 30 * DAY_MS });
      assert.equal(done.events, 0);
      assert.equal(done.deliveries, 2, 'deliveries do not wait for the fold');
    });
  });
}

retentionSuite(sqliteFactory);
retentionSuite(postgresFactory(await postgresAvailability()));

test('retention periods: days by default, hours, and nothing else', () => {
  assert.equal(parseRetention('90d'), 90 * DAY_MS);
  assert.equal(parseRetention('90'), 90 * DAY_MS);
  assert.equal(parseRetention('36h'), 36 * 3_600_000);
  assert.equal(parseRetention('2 days'), 2 * DAY_MS);
  assert.equal(parseRetention('36500d'), 36_500 * DAY_MS);
  for (const bad of ['', 'd', '-1d', '0d', '1w', '1e9999d', '1000000000d', '36501d', 'ninety']) assert.equal(parseRetention(bad), null, bad);
});
