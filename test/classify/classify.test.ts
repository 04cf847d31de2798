import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, REASONS } from '../../src/classify/index.ts';
import { parseReply } from '../../src/smtp/index.ts';

test('4.3.2 is a transient notaccept: soft, retried, not a hard bounce', () => {
  const c = classify('451 4.3.2 System not accepting network messages');
  assert.equal(c.class, 'transient');
  assert.equal(c.reason, 'notaccept');
  assert.equal(c.type, 'soft');
  assert.equal(c.action, 'retry');
  assert.equal(c.retryable, true);
  assert.equal(c.hardbounce, false);
});

test('a transient user unknown is retried but still labels the address a hard bounce', () => {
  const c = classify('450 4.1.1 <jane@example.org>: Recipient address rejected: User unknown in local recipient table');
  assert.equal(c.reason, 'userunknown');
  assert.equal(c.hardbounce, true);
  assert.equal(c.type, 'soft');
  assert.equal(c.action, 'retry');
  assert.equal(c.recipient, 'jane@example.org');
});

test('a permanent user unknown suppresses the address', () => {
  const c = classify('550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown in virtual mailbox table');
  assert.equal(c.type, 'hard');
  assert.equal(c.action, 'suppress');
  assert.equal(c.retryable, false);
});

test('a permanent block is the sender\'s to fix and does not mark the address bad', () => {
  const c = classify('554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org');
  assert.equal(c.reason, 'blocked');
  assert.equal(c.type, 'block');
  assert.equal(c.action, 'fix-sender');
  assert.equal(c.hardbounce, false);
});

test('text beats a loosely used code: a rate limit under 4.3.2 is toomanyconn', () => {
  assert.equal(classify('452 4.3.2 Connection rate limit exceeded.').reason, 'toomanyconn');
});

test('a DSN Diagnostic-Code and a bare status are classified like replies', () => {
  assert.equal(classify('smtp; 550 5.1.1 <jane@example.org>: Recipient address rejected').reason, 'userunknown');
  const bare = classify('5.2.2');
  assert.equal(bare.reason, 'mailboxfull');
  assert.equal(bare.class, 'permanent');
});

test('a generic code with no telling text is onhold and blames no one', () => {
  const c = classify('554 5.0.0 Service unavailable');
  assert.equal(c.reason, 'onhold');
  assert.equal(c.type, 'undetermined');
  assert.equal(c.action, 'none');
  assert.equal(c.hardbounce, false);
});

test('a success is delivered with nothing to do', () => {
  const c = classify('250 2.0.0 Ok: queued as 4F1A2B3C');
  assert.equal(c.reason, 'delivered');
  assert.equal(c.action, 'none');
  assert.equal(c.retryable, false);
});

test('an empty or meaningless input is undefined, never an exception', () => {
  for (const x of ['', '   ', '\u0000\u0001', 'hello world']) {
    const c = classify(x);
    assert.equal(c.reason, 'undefined');
    assert.equal(c.rule, 'builtin/no-match');
  }
});

test('a network error is a transient networkerror to retry', () => {
  const c = classify(Object.assign(new Error('connect ECONNREFUSED 192.0.2.1:25'), { code: 'ECONNREFUSED' }));
  assert.equal(c.reason, 'networkerror');
  assert.equal(c.action, 'retry');
  assert.equal(c.rule, 'builtin/network-error');
});

test('a parsed reply is classified without parsing again', () => {
  const parsed = parseReply('552 5.2.2 Mailbox full', { phase: 'rcpt' });
  assert.equal(classify(parsed).reason, 'mailboxfull');
});

test('a null MX is a hard notaccept; the same reason with a 4xx code is soft', () => {
  const nullMx = classify('556 5.1.10 Recipient address has null MX');
  assert.equal(nullMx.reason, 'notaccept');
  assert.equal(nullMx.hardbounce, true);
  assert.equal(nullMx.action, 'suppress');
  assert.equal(classify('421 4.3.2 Service shutting down').hardbounce, false);
});

test('every answer names a known reason and the rule that decided it', () => {
  for (const x of ['550 5.7.26 x', '452 4.2.2 over quota', '421 too many connections', 'User unknown']) {
    const c = classify(x);
    assert.ok((REASONS as readonly string[]).includes(c.reason));
    assert.ok(c.rule.length > 0);
  }
});

test("Exim's sender verification failure is the sender's problem, while an unrouteable recipient is the recipient's", () => {
  const sender = classify('550-Verification failed for <bob@example.com>\n550-Unrouteable address\n550 Sender verify failed');
  assert.equal(sender.reason, 'rejected');
  assert.equal(sender.hardbounce, false);
  assert.equal(sender.action, 'fix-sender');
  const recipient = classify('550 Unrouteable address');
  assert.equal(recipient.reason, 'hostunknown');
  assert.equal(recipient.action, 'suppress');
});

test('a bare "Recipient address rejected." is the address refused, but a named cause after it decides', () => {
  assert.equal(classify('550 <jane@example.org>: Recipient address rejected.').reason, 'userunknown');
  assert.equal(classify('550 5.7.1 <jane@example.org>: Recipient address rejected: Policy rejection').reason, 'policyviolation');
  assert.equal(classify('450 4.7.1 <jane@example.org>: Recipient address rejected: Greylisted, see https://postgrey.example/').reason, 'blocked');
});

test('"… does not exist" says which thing is missing: a named domain is hostunknown, a named address userunknown', () => {
  for (const reply of ['553 mail.example.net does not exist', '550 <example.net> does not exist', '550 Domain example.net does not exist']) {
    const c = classify(reply);
    assert.equal(c.reason, 'hostunknown', reply);
    assert.equal(c.action, 'suppress', reply);
  }
  for (const reply of ['550 jane@example.net does not exist', '550 Recipient <jane@example.net> does not exist']) {
    const c = classify(reply);
    assert.equal(c.reason, 'userunknown', reply);
    assert.equal(c.hardbounce, true, reply);
  }
  // the sender's domain missing is the sender's problem, not the recipient's
  assert.equal(classify('553 5.1.8 Domain of sender address bob@example.com does not exist').reason, 'rejected');
});

test('the step a reply answered decides what its words leave open', () => {
  // before MAIL FROM the server knows only the client: a wordless refusal is a block of the host
  for (const phase of ['connect', 'greeting', 'ehlo'] as const) {
    const c = classify('550 Rejected', { phase });
    assert.equal(c.reason, 'blocked', phase);
    assert.equal(c.rule, 'step/refused-before-mail-from');
    assert.equal(c.hardbounce, false);
  }
  assert.equal(classify('550 Rejected').reason, 'onhold', 'with no step the same words say nothing');
  assert.equal(classify('550 Rejected', { phase: 'rcpt' }).reason, 'onhold');
  // words that name a cause keep it, whatever the step
  assert.equal(classify('554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org', { phase: 'greeting' }).reason, 'blocked');
  assert.equal(classify('421 4.7.0 Too many connections from your IP', { phase: 'greeting' }).reason, 'toomanyconn');
  // in reply to MAIL FROM no recipient has been named: an unknown address is the sender's
  const words = classify('550 <bob@example.com>: User unknown', { phase: 'mail' });
  assert.equal(words.reason, 'rejected');
  assert.equal(words.hardbounce, false);
  const code = classify('553 5.1.0 bob.example.com does not exist', { phase: 'mail' });
  assert.equal(code.reason, 'rejected');
  // even the otherwise decisive X.1.2 (host unknown) is the sender's domain there
  assert.deepEqual([classify('550 5.1.2 <bob@example.com>... Host unknown', { phase: 'mail' }).reason, classify('550 5.1.2 <jane@example.org>... Host unknown', { phase: 'rcpt' }).reason], ['rejected', 'hostunknown']);
  assert.equal(classify('550 5.1.1 <jane@example.org>: User unknown', { phase: 'rcpt' }).reason, 'userunknown');
});

test('a 553 in words no rule knows is a bad mailbox name only in reply to RCPT TO', () => {
  const atRcpt = classify('553 <jane@example.org>... refused', { phase: 'rcpt' });
  assert.equal(atRcpt.reason, 'userunknown');
  assert.equal(atRcpt.action, 'suppress');
  // with the step unknown the same code does not suppress (Yahoo's "553 VS99-IP1 deferred" refuses a connection)
  const unknownStep = classify('553 <jane@example.org>... refused');
  assert.equal(unknownStep.reason, 'onhold');
  assert.equal(unknownStep.hardbounce, false);
  assert.equal(classify('553 Requested action not taken: mailbox name not allowed').reason, 'userunknown');
});
