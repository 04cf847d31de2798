import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBounce } from '../../src/dsn/index.ts';
import { report } from './helpers.ts';


const first = (raw: string) => parseBounce(raw).recipients[0];

test('a delay warning whose last attempt met a network fault is expired, and is still retried', () => {
  const r = first(report('delayed', '4.4.1', 'connect to mx.example.org[192.0.2.1]:25: Connection timed out'));
  assert.equal(r.reason, 'expired');
  assert.match(r.rule, /^dsn\/delayed-in-queue\+/);
  assert.equal(r.action, 'retry');
  assert.equal(r.hardbounce, false);
});

test('a delay warning with only a bare 421 is expired, but one that names a cause keeps it', () => {
  assert.equal(first(report('delayed', '4.0.0', '421')).reason, 'expired');
  const full = first(report('delayed', '4.2.2', '452 4.2.2 <someone@example.org>: Mailbox full'));
  assert.equal(full.reason, 'mailboxfull');
  const greylisted = first(report('delayed', '4.7.1', '450 4.7.1 <someone@example.org>: Recipient address rejected: Greylisted'));
  assert.equal(greylisted.reason, 'blocked');
});

test('a report that gave up after a temporary refusal naming no cause is expired; a named network fault is not', () => {
  const vague = first(report('failed', '4.0.0', '421 Service not available, closing transmission channel'));
  assert.equal(vague.reason, 'expired');
  assert.match(vague.rule, /^dsn\/failed-is-final\+dsn\/failed-after-temporary-errors\+/);
  // the MTA has given up: final, whatever the code of the last attempt (RFC 3464 2.3.3)
  assert.equal(vague.class, 'permanent');
  assert.equal(vague.retryable, false);
  const noRoute = first(report('failed', '4.4.1', 'connect to mx.example.org[192.0.2.1]:25: No route to host'));
  assert.equal(noRoute.reason, 'networkerror');
});

test('a report that gave up after connections kept timing out is expired, even with the words split over lines', () => {
  const raw = report('failed', null, 'unable to connect to remote server [192.0.2.1:25]: Operation timed\r\n out');
  const r = first(raw);
  assert.equal(r.reason, 'expired');
  assert.match(r.rule, /^dsn\/failed-after-timeouts\+/);
});

test("a local delivery program's exit status says more than the queue's clock", () => {
  const r = first(report('delayed', '4.0.0', '75', 'X-Unix'));
  assert.equal(r.reason, 'mailererror');
});

test('a failure with words no rule knows is onhold; a failure with no words at all stays undefined', () => {
  const worded = first(report('failed', null, 'Delivery was not possible for reasons we cannot state', 'x-vendor'));
  assert.equal(worded.reason, 'onhold');
  assert.match(worded.rule, /^dsn\/failed-unexplained\+/);
  assert.equal(worded.action, 'none');
  const silent = first(report('failed', null, null));
  assert.equal(silent.reason, 'undefined');
});

test("a reporter's summary wrapped around the remote reply is not mistaken for the reply", () => {
  const r = first(report('failed', '5.1.0', "5.1.0 - Unknown address error 550-'5.7.1 <bob@example.com>... Access denied' (delivery attempts: 0)"));
  assert.equal(r.status, '5.7.1');
  assert.notEqual(r.reason, 'userunknown');
  assert.equal(r.hardbounce, false);
  assert.match(r.diagnostic, /^5\.1\.0 - Unknown address error/, 'the diagnostic shown keeps the whole report');
  const noCode = first(report('failed', '5.0.0', "5.3.0 - Other mail system problem 550-'Unknown user jane@example.org' (delivery attempts: 0)"));
  assert.equal(noCode.status, '5.3.0', "the summary's code stands in when the quoted reply has none");
  assert.equal(noCode.reason, 'userunknown');
});

test("an unknown address the reply quotes is the sender's when it is not the recipient's: rejected, not a hard bounce", () => {
  const withReturned = (diagnostic: string) => report('failed', '5.1.1', diagnostic)
    .replace('--r--', ['--r', 'Content-Type: text/rfc822-headers', '', 'Return-Path: <bob@example.com>',
      'From: Bob <bob@example.com>', 'To: someone@example.org', 'Subject: hello', '--r--'].join('\r\n'));
  const sender = first(withReturned('550 5.1.1 <bob@example.com>... User unknown'));
  assert.equal(sender.reason, 'rejected');
  assert.match(sender.rule, /^dsn\/refusal-names-the-sender\+/);
  assert.equal(sender.hardbounce, false);
  assert.equal(sender.action, 'fix-sender');
  const recipient = first(withReturned('550 5.1.1 <someone@example.org>... User unknown'));
  assert.equal(recipient.reason, 'userunknown');
  assert.equal(recipient.hardbounce, true);
  // a log line quoting both addresses is about the recipient it names
  const both = first(withReturned('550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown; from=<bob@example.com> to=<someone@example.org>'));
  assert.equal(both.reason, 'userunknown');
  // an address that merely ends with the sender's is someone else's
  const other = first(withReturned('550 5.1.1 <jbob@example.com>... User unknown'));
  assert.equal(other.reason, 'userunknown');
  // the sender quoted beside a refusal of the client host: the host is still the cause
  const host = first(withReturned('550 5.7.0 <bob@example.com>... Please use the smtp server of your ISP'));
  assert.notEqual(host.reason, 'rejected');
});

test('a delay warning quoting a permanent reply is still transient: the MTA holds the message and retries', () => {
  // Postfix goes on retrying after a 554 at the greeting; its warning says delayed, Status 4.0.0
  const [r] = parseBounce(report('delayed', '4.0.0', '554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.10')).recipients;
  assert.equal(r.reason, 'blocked', 'the quoted reply still gives the reason');
  assert.equal(r.class, 'transient');
  assert.equal(r.retryable, true);
  assert.equal(r.action, 'retry');
  assert.match(r.rule, /^dsn\/delayed-is-transient\+/);
  // the same reply in a failure report stays permanent
  const [failed] = parseBounce(report('failed', '5.0.0', '554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.10')).recipients;
  assert.equal(failed.class, 'permanent');
  assert.equal(failed.retryable, false);
});
