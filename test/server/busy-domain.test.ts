import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTestServer } from './helpers.ts';
import { compileScript } from '../../src/delivery/test-receiver/script.ts';

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
  // draining is slow while the gate holds most of every batch (each is claimed and held again
  // about once a second): a generous wall-clock deadline, this test is about liveness
  for (const deadline = Date.now() + 150_000; ;) {
    const waiting = await server.store.countWaiting();
    if (waiting.queued + waiting.deferred === 0) break;
    assert.ok(Date.now() < deadline, `still waiting: ${JSON.stringify(waiting)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal((await server.store.countDeliveries()).delivered, 3000);
});

// A domain whose server stalls holds its connections open; the other domains' mail goes on. (A
// scheduler change this round made the claim loop wait on such a domain and stopped the rest.)
test('a domain whose server stalls does not hold up another domain\'s mail', async (t) => {
  const { server, receiver } = await startTestServer(t);
  const stalled = Array.from({ length: 50 }, (_, i) => `s${i}@slow.example`);
  receiver.setScript(compileScript({ recipients: Object.fromEntries(stalled.map((r) => [r, 'stall'])) }));
  await server.engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, stalled);
  const fast = await server.engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, Array.from({ length: 300 }, (_, i) => `f${i}@fast.example`));
  await eventually('the fast domain\'s mail to be delivered', async () => {
    for (const d of fast.deliveries) if ((await server.store.getDelivery(d.id))?.status !== 'delivered') return null;
    return true;
  });
  assert.ok((await server.store.countWaiting()).queued >= 1, 'the stalled domain\'s mail is still waiting');
  // the stalled sessions end with the receiver, so the server stops without waiting out its timeouts
  await receiver.stop();
});
