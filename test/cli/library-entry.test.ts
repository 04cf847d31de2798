import { test } from 'node:test';
import assert from 'node:assert/strict';

// The package name resolves through package.json "exports" (self-reference), as it does for a user.
test("the package entry point exports the documented library surface, and it works", async () => {
  const lib = await import('rebound');
  for (const name of ['classify', 'createClassifier', 'parseReply', 'lookup', 'explain', 'parseBounce', 'bounceToEvents', 'parseVerp',
    'normalizeWebhook', 'verifySnsMessage', 'verifySendGridSignature', 'verifyMailgunSignature', 'verifyBasicAuth', 'verifyToken', 'signWebhook', 'verifyWebhook']) {
    assert.equal(typeof (lib as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(lib.classify('451 4.3.2 System not accepting network messages').reason, 'notaccept');
  assert.equal(lib.parseVerp('bounces+jane=example.org@mail.sender.tld'), 'jane@example.org');
  // what a receiver of Rebound's own webhooks does with the entry point alone
  const header = `t=1700000000,v1=${lib.signWebhook('secret', 1_700_000_000, '{"a":1}')}`;
  const now = () => 1_700_000_010_000;
  assert.equal(lib.verifyWebhook(header, '{"a":1}', 'secret', { now }).ok, true);
  assert.equal(lib.verifyWebhook(header, '{"a":2}', 'secret', { now }).ok, false);
});

test('the engine, a test clock, a SQLite store and the SMTP transport from the entry point deliver to a real SMTP receiver and retry a 4.3.2 on the seed schedule', async (t) => {
  const lib = await import('rebound');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { TestReceiver, parseScript } = await import('../../src/delivery/test-receiver/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rebound-lib-'));
  // the receiver answers 4.3.2 for the first half hour, then takes mail
  const clock = new lib.TestClock();
  const receiver = await TestReceiver.start({ now: () => clock.now(), script: parseScript('timeline:\n  - { until: 30m, rcpt: "451 4.3.2 System not accepting network messages" }\n') });
  const store = new lib.SqliteStore(join(dir, 'r.db'));
  t.after(async () => { await store.close(); await receiver.stop(); rmSync(dir, { recursive: true, force: true }); });
  const engine = new lib.Engine({ store, clock, policy: lib.defaultPolicy() });
  const transport = new lib.SmtpTransport({ mode: { kind: 'relay', relay: lib.parseRelayUrl(`smtp://127.0.0.1:${receiver.port}`) }, clock, classify: lib.classify });
  t.after(() => transport.close());
  const scheduler = new lib.Scheduler({ engine, transport, onError: (err) => { throw err; } });
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.test', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.test']);
  await scheduler.runOnce();
  assert.equal((await engine.store.getDelivery(d!.id))?.status, 'deferred');
  clock.advance(60 * 60_000); // the seed's first retry, an hour later
  await scheduler.runOnce();
  assert.equal((await engine.store.getDelivery(d!.id))?.status, 'delivered');
});
