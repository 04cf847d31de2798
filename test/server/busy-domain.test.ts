import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTestServer } from './helpers.ts';

// Thousands of deliveries waiting on one domain's connection limit: the claim loop holds most of
// every batch. It once did so without letting the event loop turn (SQLite answers synchronously),
// and the server stopped answering anything — /healthz, the API, the SMTP sessions whose end would
// have freed a slot — with 19,000 of 20,000 deliveries queued for good.
test('a queue held at one domain\'s connection limit leaves the server answering, and drains', async (t) => {
  const { server, base } = await startTestServer(t);
  for (let m = 0; m < 3; m++) {
    await server.engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, Array.from({ length: 1000 }, (_, i) => `m${m}-r${i}@busy.example`));
  }
  // answered while the queue is held (the bound is a liveness limit, far above a normal answer)
  const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(health.status, 200);
  await eventually('the queue to drain', async () => {
    const waiting = await server.store.countWaiting();
    return waiting.queued + waiting.deferred === 0 ? true : null;
  });
  assert.equal((await server.store.countDeliveries()).delivered, 3000);
});
