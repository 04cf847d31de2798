import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/engine.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { attemptId } from '../../src/engine/ids.ts';
import { metricsStoreFor } from '../../src/metrics/open-metrics.ts';
import { REPLIES, outcome } from '../engine/helpers.ts';
import { postgresAvailability, postgresFactory, sqliteFactory } from '../store/contract/factories.ts';

// Two processes fold the same outbox (`serve` and a CLI command such as `rebound report` or
// `rebound prune` on the same SQLite file, or two PostgreSQL nodes): each reads a batch, then
// applies it. A batch the other already folded must not be counted twice.
for (const factory of [sqliteFactory, postgresFactory(await postgresAvailability())]) {
  test(`${factory.name}: a batch of events folded twice counts once`, { skip: factory.skip ?? false }, async (t) => {
    const f = await factory.fresh();
    const store = f.open();
    t.after(async () => {
      await store.close();
      await f.cleanup();
    });
    const clock = new TestClock();
    const engine = new Engine({ store, clock });
    const sent = await engine.submit({ from: 'a@sender.example', raw: 'Subject: x\r\n\r\nx\r\n' }, ['one@example.org', 'two@example.org']);
    await engine.recordOutcomes(sent.deliveries.map((d) => outcome({ deliveryId: d.id, attemptId: attemptId(d.id, 1) }, REPLIES.ok(), clock.now())));
    const metrics = metricsStoreFor(store);
    const events = await store.listEvents(0, 100);
    const window = { from: clock.now() - 3_600_000, to: clock.now() + 3_600_000 };
    await metrics.apply(events, events.at(-1)!.id);
    assert.equal(await metrics.windowDelivered(window), 2);
    await metrics.apply(events, events.at(-1)!.id);
    assert.equal(await metrics.windowDelivered(window), 2);
  });
}
