import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { classify } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SqliteWebhookStore } from '../../src/store/sqlite/sqlite-webhook-store.ts';
import { fetchPoster } from '../../src/webhooks/outgoing/http-post.ts';
import { ResendTransport, RoutingTransport, resendUrlOf, submitForEsp } from '../../src/webhooks/resend/index.ts';
import { startReceiver } from './helpers/http-receiver.ts';

const HOUR = 3_600_000;

/** Our own SMTP side, recording what it was handed and answering 250 (the routing is under test, not SMTP). */
function recordingSmtp() {
  const handed: DeliveryJob[] = [];
  const transport: Transport = {
    deliver: async (jobs) => {
      handed.push(...jobs);
      return jobs.map((j): AttemptOutcome => ({ deliveryId: j.deliveryId, attemptId: j.attemptId, at: 0, destination: 'mx.example', phase: 'data', response: '250 2.0.0 OK', classification: classify('250 2.0.0 OK'), durationMs: 1 }));
    },
    close: async () => {},
  };
  return { handed, transport };
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, reply: (n: number) => { status: number; body?: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-resend-'));
  const store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
  const state = new SqliteWebhookStore(store.db);
  const receiver = await startReceiver((_, n) => reply(n));
  t.after(async () => {
    await receiver.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new TestClock();
  const engine = new Engine({ store, clock, random: seededRandom(2) });
  const smtp = recordingSmtp();
  const resend = new ResendTransport({ store, targets: state, secret: 'resend-secret-0123456789', classify: (x) => classify(x), clock, wallClock: () => clock.now(), post: fetchPoster(5_000) });
  const scheduler = new Scheduler({ engine, transport: new RoutingTransport(smtp.transport, resend) });
  // An ESP delivery already deferred once by its ESP (451 4.3.2), so the next attempt is a POST.
  const submitted = await submitForEsp(engine, state, { from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.org'], receiver.url('/resend'));
  const id = submitted.deliveries[0]!.id;
  await engine.recordOutcome(id, { deliveryId: id, attemptId: 'esp-1', at: clock.now(), destination: null, phase: null, response: '451 4.3.2 System not accepting network messages', classification: classify('451 4.3.2 System not accepting network messages'), durationMs: 0 }, 'webhook');
  clock.advance(HOUR);
  return { store, state, engine, clock, receiver, scheduler, smtp, id };
}

test('a refusal whose body is an SMTP reply is classified as that reply: 452 4.2.2 defers the delivery as mailbox full', async (t) => {
  const { store, scheduler, receiver, id } = await setup(t, () => ({ status: 422, body: '452 4.2.2 Mailbox full' }));
  await scheduler.runOnce();
  assert.equal(receiver.received.length, 1);
  const d = (await store.getDelivery(id))!;
  assert.equal(d.status, 'deferred');
  assert.equal(d.lastOutcome?.enhanced, '4.2.2');
  assert.equal(d.lastOutcome?.reason, 'mailboxfull');
  assert.equal((await store.listAttempts(id)).at(-1)!.source, 'resend');
});

test('a bare 4xx means the sender refuses the retry: the delivery fails', async (t) => {
  const { store, scheduler, id } = await setup(t, () => ({ status: 410 }));
  await scheduler.runOnce();
  const d = (await store.getDelivery(id))!;
  assert.equal(d.status, 'failed');
  assert.match(d.lastOutcome!.response, /^550 5\.0\.0 resend hook answered HTTP 410/);
});

test('a 5xx from the sender is a transient outcome: the delivery waits for its next retry', async (t) => {
  const { store, scheduler, id } = await setup(t, () => ({ status: 503, body: 'maintenance' }));
  await scheduler.runOnce();
  const d = (await store.getDelivery(id))!;
  assert.equal(d.status, 'deferred');
  assert.equal(d.attempts, 2);
  assert.match(d.lastOutcome!.response, /HTTP 503: maintenance/);
});

test('a sender that cannot be reached is a transient outcome, not a crash', async (t) => {
  const { store, scheduler, receiver, id } = await setup(t, () => ({ status: 200 }));
  await receiver.close();
  await scheduler.runOnce();
  const d = (await store.getDelivery(id))!;
  assert.equal(d.status, 'deferred');
  assert.match(d.lastOutcome!.response, /^451 4\.4\.1 resend hook unreachable/);
});

test('messages without a resend URL still go to SMTP; ESP messages never do', async (t) => {
  const { engine, scheduler, smtp, receiver } = await setup(t, () => ({ status: 200 }));
  await engine.submit({ from: 'news@sender.example', raw: 'Subject: own\r\n\r\nsent by us\r\n' }, ['bob@example.net']);
  await scheduler.runOnce();
  assert.deepEqual(smtp.handed.map((j) => j.recipient), ['bob@example.net']);
  assert.equal(receiver.received.length, 1);
  assert.equal(JSON.parse(receiver.received[0]!.body).recipient, 'jane@example.org');
});

test('the resend URL is read from the header block only, and garbage never throws', () => {
  assert.equal(resendUrlOf('X-Rebound-Resend-URL: https://app.example/r\r\nSubject: x\r\n\r\nbody'), 'https://app.example/r');
  assert.equal(resendUrlOf('Subject: x\r\n\r\nX-Rebound-Resend-URL: https://evil.example/r\r\n'), null, 'not from the body');
  assert.equal(resendUrlOf(Buffer.from('x-rebound-resend-url:   https://a.example/r  \nTo: a@b\n\n')), 'https://a.example/r');
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
    const r = resendUrlOf(s);
    return r === null || (typeof r === 'string' && !/\s/.test(r));
  }));
  assert.equal(resendUrlOf('A'.repeat(5_000_000)), null);
});

test('submitForEsp refuses a resend URL that is not http(s) or would break the header', async (t) => {
  const { engine, state } = await setup(t, () => ({ status: 200 }));
  for (const bad of ['ftp://a.example/r', 'https://a.example/r\r\nBcc: x@y', '']) {
    await assert.rejects(submitForEsp(engine, state, { from: 'a@b.example', raw: 'x' }, ['c@d.example'], bad), RangeError);
  }
});

test('a resend URL only written into a message header (not registered through submitForEsp) is never posted to', async (t) => {
  const { engine, state, store, clock, receiver, scheduler } = await setup(t, () => ({ status: 200 }));
  const forged = await engine.submit({ from: 'news@sender.example', raw: `X-Rebound-Resend-URL: ${receiver.url('/forged')}\r\nSubject: hi\r\n\r\nhello\r\n` }, ['joe@example.org']);
  const id = forged.deliveries[0]!.id;
  assert.equal(await state.getResendTarget(forged.messageId), null);
  await engine.recordOutcome(id, { deliveryId: id, attemptId: 'esp-1', at: clock.now(), destination: null, phase: null, response: '451 4.3.2 System not accepting network messages', classification: classify('451 4.3.2 System not accepting network messages'), durationMs: 0 }, 'webhook');
  clock.advance(2 * HOUR);
  await scheduler.runOnce();
  assert.equal(receiver.received.filter((r) => r.path === '/forged').length, 0);
  assert.match((await store.getDelivery(id))!.lastOutcome!.response, /no resend URL is registered/);
});
