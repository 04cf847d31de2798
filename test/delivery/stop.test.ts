import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { classify } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { SmtpTransport } from '../../src/delivery/transport/smtp-transport.ts';
import { parseRelayUrl } from '../../src/delivery/transport/relay-url.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { tempStore } from '../engine/helpers.ts';
import { policyWith } from './helpers/policy.ts';

/**
 * A relay on 127.0.0.1 that holds every RCPT for which `holds` is true until `release()`, and an
 * engine on a real SQLite file delivering through it with this policy's connection limits.
 */
async function world(t: { after: (fn: () => Promise<void>) => void }, holds: (rcpt: string) => boolean, policy = defaultPolicy()) {
  let rcptSeen = 0;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  let arrived: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => { arrived = resolve; });
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onRcptTo(address, _session, callback) {
      rcptSeen++;
      if (!holds(address.address)) return callback();
      arrived();
      void held.then(() => callback());
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const { store, cleanup } = tempStore();
  const clock = new TestClock();
  const engine = new Engine({ store, clock, policy: defaultPolicy() });
  const transport = new SmtpTransport({
    mode: { kind: 'relay', relay: parseRelayUrl(`smtp://127.0.0.1:${port}`) },
    clock, classify, ehloName: 'rebound.test', policy, timeouts: { connectMs: 5000, greetingMs: 5000, idleMs: 30_000 },
  });
  t.after(async () => {
    release();
    await transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cleanup();
  });
  return { store, clock, engine, transport, release, firstHeld, rcptSeen: () => rcptSeen };
}

const MESSAGE = { from: 'news@sender.test', raw: 'Subject: stop\r\n\r\nhello\r\n' };

/**
 * SIGTERM while deliveries wait for a connection: the transaction on the wire finishes and is
 * recorded; the ones still waiting for the host's one connection never reach it and go back to
 * the queue at once, untried (found by the verification run: 30 RCPTs went out after the signal).
 */
test('stopping: jobs waiting for a connection are given back untried; the one on the wire is recorded', async (t) => {
  const { store, clock, engine, transport, release, firstHeld, rcptSeen } = await world(t, () => true, policyWith({ default: { concurrency: 1, initialConcurrency: 1 } }));
  const { deliveries } = await engine.submit(MESSAGE, ['a@one.test', 'b@one.test', 'c@one.test', 'd@one.test', 'e@one.test']);
  const stop = new AbortController();
  const running = new Scheduler({ engine, transport }).runOnce(stop.signal);
  await firstHeld;
  stop.abort(); // SIGTERM: one transaction is on the wire, four wait for the relay's one connection
  release();
  const stats = await running;

  assert.equal(rcptSeen(), 1, 'nothing started after the stop');
  assert.equal(stats.attempted, 1);
  const after = await Promise.all(deliveries.map((d) => store.getDelivery(d.id)));
  assert.deepEqual(after.map((d) => d!.status).sort(), ['delivered', 'queued', 'queued', 'queued', 'queued']);
  for (const d of after.filter((x) => x!.status === 'queued')) {
    assert.equal(d!.attempts, 0, 'no attempt counted for a delivery never tried');
    assert.equal(d!.lockedBy, null, 'given back, not left leased');
    assert.ok((d!.lockedUntil ?? 0) <= clock.now() + 1, 'claimable again at once, not after the lease');
  }
  const events = await store.listEvents(0, 100);
  assert.deepEqual(events.filter((e) => e.type.startsWith('delivery.')).map((e) => e.type), ['delivery.delivered']);

  // the next start sends them
  const next = await new Scheduler({ engine, transport }).runOnce();
  clock.advance(1);
  const again = await new Scheduler({ engine, transport }).runOnce();
  assert.equal(next.attempted + again.attempted, 4);
  assert.equal((await store.countDeliveries()).delivered, 5);
});

/**
 * One slow receiving server must not hold up the others (found by the crash and protection
 * acceptance run: 500 healthy deliveries waited 21 s behind one reply that took 20 s, because the
 * claim loop waited for a whole batch). Here the slow server does not answer RCPT at all until
 * the test lets it; every healthy delivery, including ones submitted meanwhile, goes out first.
 */
test('a server that stalls does not hold up deliveries to other domains, even ones submitted while it stalls', async (t) => {
  const { store, engine, transport, release, firstHeld } = await world(t, (rcpt) => rcpt.endsWith('@slow.test'));
  const stop = new AbortController();
  t.after(() => stop.abort());
  await engine.submit(MESSAGE, ['late@slow.test']);
  await engine.submit(MESSAGE, Array.from({ length: 20 }, (_, i) => `a${i}@ok.test`));
  const running = new Scheduler({ engine, transport, batchSize: 100 }).run(stop.signal);
  await firstHeld;
  // submitted while the slow server holds its RCPT
  await engine.submit(MESSAGE, Array.from({ length: 20 }, (_, i) => `b${i}@ok.test`));
  const deadline = Date.now() + 15_000;
  let delivered = 0;
  while (Date.now() < deadline) {
    delivered = (await store.countDeliveries()).delivered;
    if (delivered === 40) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(delivered, 40, 'every healthy delivery went out while the slow server still held its RCPT');
  assert.equal((await store.countDeliveries()).queued, 1, 'the slow one is still under way');
  release();
  while ((await store.countDeliveries()).delivered < 41 && Date.now() < deadline + 5_000) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await store.countDeliveries()).delivered, 41);
  stop.abort();
  await running;
});
