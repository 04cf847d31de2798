import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/classify/index.ts';
import { classifyWithVerdict, composeReply } from '../../src/webhooks/index.ts';

const cls = (t: string) => classify(t);

test('a code in the reply decides the class even when the provider calls it permanent: "451 4.3.2" stays transient', () => {
  const c = classifyWithVerdict('451 4.3.2 System not accepting network messages', { id: 'x/permanent', class: 'permanent' }, cls);
  assert.equal(c.class, 'transient');
  assert.equal(c.action, 'retry');
  assert.equal(c.rule, classify('451 4.3.2 System not accepting network messages').rule, 'nothing changed, so the rule stays the classifier\'s own');
});

test('a reply without a code takes the class of the provider\'s verdict and the decision follows it', () => {
  const bare = classify('mailbox unavailable');
  assert.equal(bare.class, null);
  const c = classifyWithVerdict('mailbox unavailable', { id: 'ses/bounce/permanent/general', class: 'permanent' }, cls);
  assert.equal(c.class, 'permanent');
  assert.equal(c.retryable, false);
  assert.match(c.rule, /^webhook\/ses\/bounce\/permanent\/general\+/);
});

test('an empty reply with a Permanent/NoEmail verdict is a hard bounce from the verdict alone', () => {
  const c = classifyWithVerdict('', { id: 'ses/bounce/permanent/noemail', class: 'permanent', reason: 'userunknown' }, cls);
  assert.deepEqual([c.class, c.reason, c.type, c.action, c.hardbounce], ['permanent', 'userunknown', 'hard', 'suppress', true]);
});

test('the reason the words name beats the reason the provider names', () => {
  const c = classifyWithVerdict('552 5.2.2 Mailbox full', { id: 'sparkpost/bounce-class/10', class: 'permanent', reason: 'userunknown' }, cls);
  assert.equal(c.reason, 'mailboxfull');
  assert.equal(c.hardbounce, false);
});

test('a transient verdict with a bad-address reason is retried but still labels the address', () => {
  const c = classifyWithVerdict('', { id: 'x', class: 'transient', reason: 'userunknown' }, cls);
  assert.equal(c.retryable, true);
  assert.equal(c.hardbounce, true);
});

test('a forced verdict settles class and reason whatever the text says', () => {
  const c = classifyWithVerdict('554 odd text on a delivered event', { id: 'x/delivered', class: 'success', force: { class: 'success', reason: 'delivered' } }, cls);
  assert.equal(c.class, 'success');
  assert.equal(c.reason, 'delivered');
  assert.equal(c.action, 'none');
});

test('composeReply puts codes given apart in front of the text, once, and strips a Diagnostic-Code type', () => {
  assert.equal(composeReply({ basic: 451, enhanced: '4.3.2', text: 'System not accepting network messages' }), '451 4.3.2 System not accepting network messages');
  assert.equal(composeReply({ basic: 451, enhanced: '4.3.2', text: '4.3.2 System not accepting network messages' }), '451 4.3.2 System not accepting network messages');
  assert.equal(composeReply({ enhanced: '5.1.1', text: '550 user unknown' }), '550 5.1.1 user unknown');
  assert.equal(composeReply({ enhanced: '5.1.1', text: 'smtp; 550 5.1.1 user unknown' }), '550 5.1.1 user unknown');
  assert.equal(composeReply({ basic: 605, text: 'Not delivering to previously bounced address' }), 'Not delivering to previously bounced address');
  assert.equal(composeReply({ basic: 250, text: null }), '250');
  assert.equal(composeReply({}), '');
});
