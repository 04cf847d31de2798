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
