import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestReceiver, parseScript } from '../../src/delivery/test-receiver/index.ts';
import { spawnServe } from './spawn-serve.ts';

const HOUR = 3_600_000;
const SCALE = 1800;
const TOKEN = 'black-box-token-0123456789';

interface Delivery {
  status: string;
  attempts: Array<{ n: number; at: string; enhanced: string | null; reason: string; response: string }>;
  nextAttemptAt: string | null;
}

test('black box: rebound serve retries a 4.3.2 deferral at +1 h and +4 h over real SMTP and HTTP, and the third attempt delivers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-bb-'));
  // the receiver's clock runs at the server's speed, from when the server is up (its first attempt)
  let wallStart = Number.POSITIVE_INFINITY;
  const engineStart = Date.now();
  const receiver = await TestReceiver.start({
    script: parseScript('timeline:\n  - until: 3h\n    rcpt: 451 4.3.2 System not accepting network messages\n'),
    now: () => engineStart + Math.max(0, Date.now() - wallStart) * SCALE,
    epoch: engineStart,
  });
  const serve = await spawnServe(['--db', join(dir, 'rebound.db'), '--relay', `smtp://127.0.0.1:${receiver.port}`, '--time-scale', String(SCALE)], { REBOUND_API_TOKEN: TOKEN });
  wallStart = Date.now();
  t.after(async () => {
    await serve.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

  const health = await fetch(`${serve.base}/healthz`);
  assert.deepEqual(await health.json(), { status: 'ok' });

  const sent = await fetch(`${serve.base}/v1/messages`, {
    method: 'POST', headers, body: JSON.stringify({ from: 'news@sender.test', to: ['jane@example.test'], subject: 'Spring news', text: 'Hello Jane.' }),
  });
  assert.equal(sent.status, 202);
  const { deliveries: [d] } = (await sent.json()) as { deliveries: Array<{ id: string; status: string }> };
  assert.equal(d!.status, 'queued');

  let delivery: Delivery | null = null;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${serve.base}/v1/deliveries/${d!.id}`, { headers });
    delivery = (await res.json()) as Delivery;
    if (delivery.status === 'delivered' || delivery.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(delivery!.status, 'delivered', JSON.stringify(delivery));
  const [a1, a2, a3] = delivery!.attempts;
  assert.equal(delivery!.attempts.length, 3, JSON.stringify(delivery!.attempts));
  assert.equal(a1!.enhanced, '4.3.2');
  assert.equal(a1!.reason, 'notaccept');
  assert.equal(a2!.enhanced, '4.3.2');
  assert.equal(a3!.reason, 'delivered');
  const gap1 = Date.parse(a2!.at) - Date.parse(a1!.at);
  const gap2 = Date.parse(a3!.at) - Date.parse(a2!.at);
  assert.ok(Math.abs(gap1 - HOUR) <= 0.1 * HOUR, `second attempt ${(gap1 / HOUR).toFixed(3)} h after the first, expected 1 h ± 10%`);
  assert.ok(Math.abs(gap2 - 4 * HOUR) <= 0.1 * 4 * HOUR, `third attempt ${(gap2 / HOUR).toFixed(3)} h after the second, expected 4 h ± 10%`);
  assert.equal(delivery!.nextAttemptAt, null);

  const dests = (await (await fetch(`${serve.base}/v1/destinations`, { headers })).json()) as { destinations: Array<{ domain: string; health: string }> };
  assert.ok(dests.destinations.some((x) => x.domain === 'example.test' && x.health === 'open'));

  assert.equal(await serve.stop(), 0, 'SIGTERM stops it cleanly');
  assert.match(serve.stdout(), /"event":"server.stopped"/);
});
