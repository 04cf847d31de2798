import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBounce, bounceToEvents, parseVerp, REBOUND_ID_HEADER } from '../../src/dsn/index.ts';
import { REBOUND_ID_HEADER as ENGINE_HEADER } from '../../src/engine/transport.ts';
import { createClassifier } from '../../src/classify/index.ts';
import { report } from './helpers.ts';

const raw = (name: string) => readFileSync(new URL(`../fixtures/dsn/${name}`, import.meta.url));

function dsn(statusField: string, diagnostic: string): string {
  return report('failed', statusField, diagnostic || null, 'smtp', 'Your message could not be delivered.');
}

test('the original message id, sender, subject and Rebound delivery id come from the returned headers', () => {
  const parsed = parseBounce(raw('postfix-dsn.eml'));
  assert.equal(parsed.originalMessageId, '<newsletter-2025-01.8812@sender.example>');
  assert.equal(parsed.originalFrom, 'news@sender.example');
  assert.equal(parsed.originalSubject, 'January newsletter');
  assert.equal(parsed.deliveryId, 'dlv_01JGZ4W3K5Q8');
  assert.equal(parsed.messageId, '<20250107101502.4QK1T20bLmz9vD@mail.sender.example>');
});

test("the delivery-id header dsn/ looks for is the one the engine's transport stamps", () => {
  assert.equal(REBOUND_ID_HEADER, ENGINE_HEADER);
});

test('a DSN and a live SMTP reply with the same words get the same reason and decision', () => {
  const reply = '550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown in virtual mailbox table';
  const live = createClassifier().classify(reply);
  const r = parseBounce(dsn('5.1.1', reply)).recipients[0];
  assert.deepEqual([r.reason, r.type, r.action, r.hardbounce, r.retryable], [live.reason, live.type, live.action, live.hardbounce, live.retryable]);
});

test('a diagnostic more specific than the Status field wins, and the rule says so', () => {
  const r = parseBounce(dsn('5.0.0', '550 5.1.1 <someone@example.org>... User unknown')).recipients[0];
  assert.equal(r.status, '5.1.1');
  assert.equal(r.reason, 'userunknown');
  assert.match(r.rule, /^dsn\/diagnostic-more-specific\+/);
  // equally specific: the receiving server's words win, and the rule says it was a tie
  const tie = parseBounce(dsn('5.2.2', '452 4.2.2 Mailbox full')).recipients[0];
  assert.equal(tie.status, '4.2.2');
  assert.match(tie.rule, /(?:^|\+)dsn\/diagnostic-on-tie\+/);
});

test('a Diagnostic-Code in unlabelled ISO-2022-JP is decoded before it is classified', () => {
  // Domino's Japanese edition of "not listed in Domino Directory", as JIS bytes in the report part
  const jis = '\x1b$B%f!<%6!<\x1b(B Jane (someone@example.org) \x1b$B$O\x1b(B Domino \x1b$B%G%#%l%/%H%j$K$O8+$D$+$j$^$;$s!#\x1b(B';
  const r = parseBounce(Buffer.from(dsn('5.0.0', jis).replace('smtp; ', 'X-Notes; '), 'latin1'));
  assert.equal(r.recipients[0]!.diagnostic, 'ユーザー Jane (someone@example.org) は Domino ディレクトリには見つかりません。');
  assert.equal(r.recipients[0]!.reason, 'userunknown');
  assert.equal(r.recipients[0]!.hardbounce, true);
});

test('a Status field more specific than the diagnostic wins, and the rule says so', () => {
  const r = parseBounce(dsn('5.2.2', '552 5.0.0 Requested action aborted: mailbox full')).recipients[0];
  assert.equal(r.status, '5.2.2');
  assert.match(r.rule, /^dsn\/status-field-more-specific\+/);
});

test('a Status field with no diagnostic at all still classifies by its code', () => {
  const r = parseBounce(dsn('5.2.2', '')).recipients[0];
  assert.equal(r.status, '5.2.2');
  assert.equal(r.reason, 'mailboxfull');
});

test('when nothing carries a code, the report’s verdict gives the class and status stays null', () => {
  const parsed = parseBounce(raw('exim-failed.eml'));
  const second = parsed.recipients[1];
  assert.equal(second.status, null);
  assert.equal(second.enhanced, null);
  assert.equal(second.class, 'permanent');
  assert.equal(second.reason, 'expired');
  assert.match(second.rule, /^dsn\/failed-without-code\+/);
});

test('an IP address or a provider tag in the diagnostic is not an enhanced status code', () => {
  // Postfix's delay warning for a refused connection to an MX in 2.0.0.0/8 (smtp_connect.c)
  const delay = parseBounce(report('delayed', '4.4.1', 'connect to mx.example.org[2.13.185.201]:25: Connection refused', 'X-Postfix')).recipients[0]!;
  assert.deepEqual([delay.status, delay.class, delay.action], ['4.4.1', 'transient', 'retry']);
  const lost = parseBounce(report('failed', '4.4.2', 'lost connection with mx.example.org[5.1.1.40] while receiving the initial server greeting', 'X-Postfix')).recipients[0]!;
  assert.deepEqual([lost.status, lost.reason], ['4.4.2', 'networkerror']);
  const tagged = parseBounce(report('failed', '4.0.0', '451 Message temporarily deferred - [#4.16.1]')).recipients[0]!;
  assert.equal(tagged.status, '4.0.0');
});

test("a Status that only spells the reply's basic code (Stalwart's 554 -> 5.5.4) says only the class", () => {
  const r = parseBounce(report('failed', '5.5.4', '554 Transaction failed')).recipients[0]!;
  assert.deepEqual([r.status, r.reason, r.hardbounce], ['5.0.0', 'onhold', false]);
  assert.match(r.rule, /^dsn\/status-copies-reply-code\+/);
  // a reply that carries the same code itself is taken at its word
  assert.equal(parseBounce(report('failed', '5.5.4', '554 5.5.4 Invalid command arguments')).recipients[0]!.status, '5.5.4');
});

test("a Remote-MTA's comment and root dot are not part of the host name", () => {
  const withRemote = (remote: string) => parseBounce(report('failed', '5.1.1', '550 5.1.1 unknown').replace('Action: failed', `Remote-MTA: ${remote}\r\nAction: failed`)).recipients[0]?.remoteMta;
  assert.equal(withRemote('dns; mx.example.org. (192.0.2.10, the server for the domain example.org.)'), 'mx.example.org');
  assert.equal(withRemote('dns; mx.example.org ([192.0.2.10])'), 'mx.example.org');
  assert.equal(withRemote('dns; [192.0.2.10]'), '[192.0.2.10]');
});

test('the DSN Action field is kept as dsnAction; action is Rebound’s own', () => {
  const r = parseBounce(raw('postfix-dsn.eml')).recipients[0];
  assert.equal(r.dsnAction, 'failed');
  assert.equal(r.action, 'suppress');
  assert.equal(r.remoteMta, 'mx1.recipient.example');
  assert.equal(r.reportingMta, 'mail.sender.example');
});

test('a recipient reported twice (text part and DSN part) is reported once', () => {
  const parsed = parseBounce(raw('sendmail-dsn-two-recipients.eml'));
  assert.equal(parsed.recipients.length, 2);
});

test('a plain email is not a bounce', () => {
  const parsed = parseBounce('From: friend@example.org\nTo: me@example.net\nSubject: lunch?\n\nTomorrow at noon?\n');
  assert.deepEqual([parsed.isBounce, parsed.kind, parsed.recipients.length, parsed.error], [false, 'other', 0, null]);
});

test('a caller-supplied classifier (with user rules) decides the reasons', () => {
  const custom = createClassifier({ rules: [{ id: 'user/acme-quota', reason: 'mailboxfull', text: ['acme says no room'] }] });
  const parsed = parseBounce(dsn('5.0.0', '550 acme says no room'), { classify: custom.classify });
  assert.equal(parsed.recipients[0].reason, 'mailboxfull');
  assert.equal(parsed.recipients[0].rule.endsWith('user/acme-quota'), true);
});

test('bounceToEvents gives one BounceEvent per recipient, tied to the delivery and the bounce', () => {
  const parsed = parseBounce(raw('sendmail-dsn-two-recipients.eml'));
  const events = bounceToEvents(parsed, { at: 1_736_000_000_000 });
  assert.equal(events.length, 2);
  assert.deepEqual(events.map((e) => [e.recipient, e.source, e.provider, e.classification.reason]), [
    ['full@recipient.example', 'dsn', 'sendmail', 'mailboxfull'],
    ['gone@recipient.example', 'dsn', 'sendmail', 'userunknown'],
  ]);
  assert.equal(events[0].eventId, '<202501080701.5087Rx3a001234@relay.sender.example>:full@recipient.example');
  assert.equal(events[0].originalMessageId, '<invoice-7731@sender.example>');
  assert.equal(events[0].at, 1_736_000_000_000);
  assert.equal(events[0].destination, 'mx.recipient.example');
});

/** A headers-only report (RET=HDRS, nothing returned) for an address an alias forwarded. */
function forwardedReport(envelopeId: string | null, returnedIds: string | null = null): string {
  return [
    'From: MAILER-DAEMON@mx.example.net',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <dsn-fwd@mx.example.net>',
    'Content-Type: multipart/report; report-type=delivery-status; boundary=r',
    '',
    '--r',
    'Content-Type: text/plain',
    '',
    'This is the mail system at host mx.example.net.',
    '--r',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    ...(envelopeId ? [`Original-Envelope-Id: ${envelopeId}`] : []),
    '',
    'Final-Recipient: rfc822; jane@new-home.example',
    'Original-Recipient: rfc822;jane@old-home.example',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <jane@new-home.example>: Recipient address rejected: User unknown',
    ...(returnedIds ? ['--r', 'Content-Type: text/rfc822-headers', '', `X-Rebound-ID: ${returnedIds}`, 'Subject: hi', ''] : []),
    '--r--',
    '',
  ].join('\r\n');
}

test("the ENVID comes back as the delivery id when no header is returned (RFC 3461's Original-Envelope-Id)", () => {
  const parsed = parseBounce(forwardedReport('dlv_01J+2BENV'));
  assert.equal(parsed.envelopeId, 'dlv_01J+ENV', 'xtext "+2B" is a plus sign');
  assert.equal(parsed.deliveryId, 'dlv_01J+ENV');
  // a returned X-Rebound-ID header is the delivery id; the ENVID stays readable beside it
  const both = parseBounce(forwardedReport('dlv_envid', 'dlv_header'));
  assert.deepEqual([both.deliveryId, both.envelopeId], ['dlv_header', 'dlv_envid']);
  const none = parseBounce(forwardedReport(null));
  assert.deepEqual([none.deliveryId, none.envelopeId], [null, null]);
});

test('an Original-Recipient that differs from the Final-Recipient is kept and reaches the engine event', () => {
  const parsed = parseBounce(forwardedReport(null));
  assert.equal(parsed.recipients[0]!.recipient, 'jane@new-home.example');
  assert.equal(parsed.recipients[0]!.originalRecipient, 'jane@old-home.example');
  const [event] = bounceToEvents(parsed, { at: 0 });
  assert.deepEqual([event!.recipient, event!.originalRecipient], ['jane@new-home.example', 'jane@old-home.example']);
});

test('members of an alias the report shows expanded are not tied to the alias or its delivery', () => {
  const twoMembers = forwardedReport('dlv_team', null).replace('--r--', [
    '',
    'Final-Recipient: rfc822; bob@new-home.example',
    'Original-Recipient: rfc822;jane@old-home.example',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <bob@new-home.example>: Recipient address rejected: User unknown',
    '--r--',
  ].join('\r\n'));
  const events = bounceToEvents(parseBounce(twoMembers), { at: 0 });
  assert.deepEqual(events.map((e) => [e.recipient, e.originalRecipient, e.deliveryId]), [
    ['jane@new-home.example', null, null],
    ['bob@new-home.example', null, null],
  ]);
  // one forwarded recipient alone is the sender's address rewritten: tied to both
  const [one] = bounceToEvents(parseBounce(forwardedReport('dlv_team')), { at: 0 });
  assert.deepEqual([one!.originalRecipient, one!.deliveryId], ['jane@old-home.example', 'dlv_team']);
});

test('forwards and aliases as MTAs report them: which address failed, which one the sender wrote, which the engine acts on', () => {
  const read = (name: string) => {
    const parsed = parseBounce(raw(name));
    const events = bounceToEvents(parsed, { at: 0 });
    return { rows: parsed.recipients.map((r) => [r.recipient, r.originalRecipient, r.reason]), ties: events.map((e) => [e.originalRecipient ?? null, e.deliveryId]) };
  };
  // Exim's redirect: "(generated from info@example.org)" under the failed child (deliver.c)
  assert.deepEqual(read('exim-redirect-generated-from.eml').rows, [['jane.doe@gmail.example', 'info@example.org', 'userunknown']]);
  // Sendmail's list alias: Final-Recipient is the name from RCPT, X-Actual-Recipient the failed
  // member (savemail.c); two members of one alias are a list, tied to neither it nor its delivery
  const list = read('sendmail-list-alias-two-members.eml');
  assert.deepEqual(list.rows, [['ann@partner.example', 'staff@example.org', 'userunknown'], ['bob@isp.example', 'staff@example.org', 'userunknown']]);
  assert.deepEqual(list.ties, [[null, null], [null, null]]);
  // a forward that keeps a copy: the copy's failure is its own, the sender's address (full) keeps its delivery
  const copy = read('postfix-forward-keep-copy.eml');
  assert.deepEqual(copy.rows, [['jane@example.org', null, 'mailboxfull'], ['jane.personal@gmail.example', 'jane@example.org', 'userunknown']]);
  assert.deepEqual(copy.ties, [[null, 'dlv_01JDFWD0000000000006'], [null, null]]);
  // an ORCPT printed as xtext ("+2B" is "+") names the same address, not a rewrite
  assert.deepEqual(read('sendmail-orcpt-xtext.eml').rows, [['jane+news@example.org', null, 'userunknown']]);
});

test('a forwarder\'s SRS address is unwrapped before it is read as VERP', () => {
  assert.equal(parseVerp('SRS0=HHHH=TT=mail.sender.example=bounces+jane=example.org@fwd.example', { prefix: 'bounces' }), 'jane@example.org');
  assert.equal(parseVerp('SRS0=a1Qb=S2=my-shop.example=jane.doe@fwd.example'), null);
  assert.equal(parseVerp('SRS1=x=fwd1.example==HHHH=TT=mail.sender.example=bounces+jane=example.org@fwd2.example'), null);
});

test("Postfix's text notice names the alias a recipient was expanded from, wrapped or not (bounce_notify_util.c)", () => {
  const notice = (block: string) => [
    'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    '',
    'This is the mail system at host mx.sender.example.',
    '',
    '                   The mail system',
    '',
    block,
    '    mx.new-home.example[192.0.2.1] said: 550 5.1.1 <jane@new-home.example>:',
    '    Recipient address rejected: User unknown (in reply to RCPT TO command)',
    '',
  ].join('\n');
  for (const block of ['<jane@new-home.example> (expanded from <jane@old-home.example>): host', '<jane@new-home.example> (expanded from\n    <jane@old-home.example>): host']) {
    const [r] = parseBounce(notice(block)).recipients;
    assert.deepEqual([r?.recipient, r?.originalRecipient, r?.reason, r?.remoteMta], ['jane@new-home.example', 'jane@old-home.example', 'userunknown', 'mx.new-home.example'], block);
  }
});

test('bounceToEvents gives nothing for an input that could not be read', () => {
  assert.deepEqual(bounceToEvents(parseBounce(Buffer.alloc(0)), { at: 0 }), []);
});

test("a notice no format knows that says it will retry is a delay, not a failure", () => {
  const notice = (body: string) => [
    'From: Mail Delivery System <mailer-daemon@relay.example.net>',
    'To: news@sender.example',
    'Subject: Delivery Status Notification',
    '',
    body,
    '',
    'The response from the remote server was:',
    '451 4.7.1 <slow@recipient.example>: Recipient address rejected: Greylisted, try again later',
    '',
  ].join('\r\n');
  const delayed = parseBounce(notice('There was a temporary problem delivering your message to slow@recipient.example. We will retry for 45 more hours.'));
  assert.equal(delayed.recipients[0].recipient, 'slow@recipient.example');
  assert.equal(delayed.recipients[0].dsnAction, 'delayed');
  assert.equal(delayed.recipients[0].action, 'retry');
  const failed = parseBounce(notice('Your message to slow@recipient.example could not be delivered. We will not retry.'));
  assert.equal(failed.recipients[0].dsnAction, 'failed');
});

test('a notice quoting a whole session takes the refusal, not the greeting, and stays a failure when it says so', () => {
  const raw = [
    'From: "Mail Delivery System" <mailer@relay.example.net>',
    'To: news@sender.example',
    'Subject: Permanent Delivery Failure',
    '',
    'The attached message had PERMANENT fatal delivery errors!',
    'YOU DO NOT NEED TO RESEND YOUR MESSAGE TO DELIVERED RECIPIENTS.',
    '',
    '--- Session Transcript ---',
    ' 10:15:01.500: <-- 220 mx.recipient.example ESMTP',
    ' 10:15:01.500: --> EHLO relay.example.net',
    ' 10:15:01.550: <-- 250 8BITMIME',
    ' 10:15:01.600: --> RCPT To:<gone@recipient.example>',
    ' 10:15:01.650: <-- 550 5.1.1 <gone@recipient.example>: Recipient address rejected: User unknown',
    ' 10:15:01.650: --> QUIT',
    '--- End Transcript ---',
    '',
  ].join('\r\n');
  const r = parseBounce(raw).recipients[0];
  assert.equal(r.recipient, 'gone@recipient.example');
  assert.equal(r.diagnostic, '550 5.1.1 <gone@recipient.example>: Recipient address rejected: User unknown');
  assert.equal(r.reason, 'userunknown');
  assert.equal(r.dsnAction, 'failed');
});

test('a filter appliance notice whose subject says the message was blocked is read as a bounce', () => {
  const raw = [
    'From: Spam Firewall <bsf@filter.recipient.example>',
    'To: news@sender.example',
    'Subject: **Message you sent blocked by our bulk email filter**',
    '',
    'Your message to: ana@recipient.example',
    'was blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:',
    '',
    'Subject: March news',
    '',
  ].join('\r\n');
  const b = parseBounce(raw);
  assert.equal(b.isBounce, true);
  assert.deepEqual(b.recipients.map((r) => [r.recipient, r.hardbounce, r.type]), [['ana@recipient.example', false, 'block']]);
});


test("Postfix's verification report ('deliverable') is not a bounce; an Action no one defined is read by its Status class", () => {
  const ok = parseBounce(report('deliverable', '2.0.0', null));
  assert.equal(ok.isBounce, false);
  assert.equal(ok.recipients[0]?.dsnAction, 'delivered');
  assert.equal(parseBounce(report('undeliverable', '5.1.1', null)).recipients[0]?.action, 'suppress');
  const odd = parseBounce(report('queued-for-later', '4.4.1', null));
  assert.equal(odd.recipients[0]?.dsnAction, 'delayed');
  assert.equal(odd.recipients[0]?.action, 'retry');
});

/** A text-only notice (no delivery-status part) in a known MTA's layout, with the given subject and warning line. */
function textNotice(subject: string, banner: string): string {
  return [
    'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
    `Subject: ${subject}`,
    'To: ana@sender.example',
    '',
    'This is the mail system at host mx.sender.example.',
    '',
    banner,
    '',
    '<ben@recipient.example>: host mx.recipient.example[192.0.2.2] said: 450 4.1.1',
    '    <ben@recipient.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
  ].join('\n');
}

test('a text-only delay warning is a delay whatever its reader defaults to: the address is not suppressed', () => {
  for (const [subject, banner] of [
    ['Delayed Mail (still being retried)', '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #'],
    ['Warning: could not send message for past 4 hours', '**********************************************\n**      THIS IS A WARNING MESSAGE ONLY      **\n**  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **'],
    ['WARNING: delayed mail.', 'This is an advisory notice only. The mail server will keep trying.'],
  ]) {
    const r = parseBounce(textNotice(subject!, banner!)).recipients[0]!;
    assert.equal(r.dsnAction, 'delayed', subject);
    assert.equal(r.action, 'retry', subject);
  }
  // the same layout without a warning is the failure it says it is
  const failed = parseBounce(textNotice('Undelivered Mail Returned to Sender', 'I\'m sorry to have to inform you that your message could not be delivered.')).recipients[0]!;
  assert.equal(failed.dsnAction, 'failed');
  assert.equal(failed.class, 'permanent');
});

/** A Postfix bounce of ana@sender.example's message to ben@recipient.example, optionally stamped with Rebound's delivery id. */
function postfixBounce(deliveryId: string | null): string {
  return [
    'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
    'To: ana@sender.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    '<ben@recipient.example>: host mx.recipient.example[192.0.2.2] said: 550 5.1.1 User unknown (in reply to RCPT TO command)',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.sender.example',
    '',
    'Final-Recipient: rfc822; ben@recipient.example',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '--b',
    'Content-Type: text/rfc822-headers',
    '',
    'From: ana@sender.example',
    'To: ben@recipient.example',
    'Subject: Offer',
    ...(deliveryId ? [`${REBOUND_ID_HEADER}: ${deliveryId}`] : []),
    '--b--',
  ].join('\n');
}

/** The bounce forwarded by a person as an attachment. */
function forwardedByPerson(bounce: string): string {
  return [
    'From: Ana <ana@sender.example>',
    'To: it@sender.example',
    'Subject: Fwd: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/mixed; boundary=f',
    '',
    '--f',
    'Content-Type: text/plain',
    '',
    'FYI, I got this bounce.',
    '--f',
    'Content-Type: message/rfc822',
    '',
    bounce,
    '--f--',
  ].join('\n');
}

test("a person's forward of a bounce is not acted on, unless the bounced message is one Rebound sent", () => {
  const mine = parseBounce(postfixBounce(null));
  assert.equal(mine.isBounce, true);
  const fyi = parseBounce(forwardedByPerson(postfixBounce(null)));
  assert.equal(fyi.isBounce, false);
  assert.equal(fyi.recipients.length, 0);
  assert.ok(fyi.notes.some((n) => /person's reply or forward/.test(n)), fyi.notes.join('; '));
  // a reply with a phone number in the signature is no SMTP reply either
  const reply = parseBounce('From: Ben <ben@recipient.example>\nSubject: RE: Undeliverable: Offer\n\nJane left; please write to accounts@recipient.example.\n\nBen\nTel. 555 0100\n');
  assert.equal(reply.isBounce, false);
  const tied = parseBounce(forwardedByPerson(postfixBounce('d_0123456789abcdef')));
  assert.equal(tied.isBounce, true);
  assert.equal(tied.deliveryId, 'd_0123456789abcdef');
  assert.equal(tied.recipients[0]?.action, 'suppress');
});

test('a post held for list moderation is not a failed delivery, even sent as a DSN with Action: failed', () => {
  const held = parseBounce(postfixBounce(null).replace('550 5.1.1 User unknown (in reply to RCPT TO command)', 'Your message to dev@lists.example.org has been forwarded to the moderator(s)').replace('Status: 5.1.1', 'Status: 4.3.0').replace('Diagnostic-Code: smtp; 550 5.1.1 User unknown', 'Diagnostic-Code: X-Sympa; Your message has been forwarded to the moderator(s)'));
  assert.equal(held.isBounce, false);
  assert.equal(held.recipients.length, 0);
});

test("a moderator's refusal of a post (Mailman, Sympa) is not a failed delivery, whatever addresses it names", () => {
  const mailman = [
    'From: test-bounces@lists.example.org',
    'To: news@sender.example',
    'Subject: Request to mailing list "Test" rejected',
    '',
    'Your request to the test@lists.example.org mailing list',
    '',
    '    Posting of your message titled "Quarterly figures"',
    '',
    'has been rejected by the list moderator.  The moderator gave the following',
    'reason for rejecting your request:',
    '',
    '"[No reason given]"',
    '',
    '---------- Original Message ----------',
    'To: test@lists.example.org',
    'X-Rebound-ID: dlv_01LIST',
    '',
  ].join('\n');
  const sympa = [
    'From: test-request@lists.example.org',
    'To: news@sender.example',
    'Subject: Your message has been rejected.',
    'Auto-Submitted: auto-generated',
    '',
    'Your message for list test@lists.example.org',
    'has been rejected by the moderator (moderator@lists.example.org).',
    '',
  ].join('\n');
  for (const notice of [mailman, sympa]) {
    const p = parseBounce(notice);
    assert.deepEqual([p.isBounce, p.kind, p.recipients.length], [false, 'other', 0], notice.split('\n')[2]);
    assert.equal(bounceToEvents(p, { at: 0 }).length, 0);
  }
});

test("Outlook's automatic replies are auto-replies in the languages Outlook writes them", () => {
  for (const subject of ['Automatische Antwort: Offer', 'Automatiskt svar: Offer', 'Odpowiedź automatyczna: Offer', '自動応答: Offer', '自动答复: Offer', 'Автоматический ответ: Offer']) {
    const p = parseBounce(`From: Jane <jane@recipient.example>\nSubject: ${subject}\nX-Auto-Response-Suppress: All\nContent-Type: text/plain; charset=utf-8\n\nI am away.\n`);
    assert.equal(p.kind, 'autoreply', subject);
    assert.equal(p.isBounce, false, subject);
  }
});

test('a read receipt whose report part is labelled text/plain is not a bounce: a Disposition is no failure', () => {
  const mdn = [
    'From: Jane <jane@recipient.example>',
    'Subject: Read: Offer',
    'Content-Type: multipart/report; report-type=disposition-notification; boundary=m',
    '',
    '--m',
    'Content-Type: text/plain',
    '',
    'Your message was displayed.',
    '--m',
    'Content-Type: text/plain',
    '',
    'Reporting-UA: mail.recipient.example; Example Mail',
    'Final-Recipient: rfc822;jane@recipient.example',
    'Original-Message-ID: <offer-1@sender.example>',
    'Disposition: manual-action/MDN-sent-manually; displayed',
    '--m--',
  ].join('\n');
  const p = parseBounce(mdn);
  assert.equal(p.isBounce, false);
  assert.equal(p.recipients.length, 0);
});

// Exchange 2007 and later write the returned message's headers under "Original message headers:"
// in the diagnostic part of a plain-text NDR; a returned X-Rebound-ID there ties it to its delivery.
test('a plain-text Exchange NDR ties back to its delivery by the X-Rebound-ID under "Original message headers:"', () => {
  const ndr = [
    'From: postmaster@mail.example.test', 'To: news@sender.test', 'Subject: Undeliverable: hi', 'Content-Type: text/plain; charset=us-ascii', '',
    'Delivery has failed to these recipients or groups:', '', 'ann@example.test', 'The email address you entered couldn\'t be found.', '',
    'Diagnostic information for administrators:', '', 'Generating server: mail.example.test', '', 'ann@example.test',
    '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##', '',
    'Original message headers:', '', 'Received: from mx.sender.test (192.0.2.1) by mail.example.test', 'X-Rebound-ID: dlv_01EXCHANGE',
    'From: news@sender.test', 'To: ann@example.test', 'Subject: hi', '',
  ].join('\r\n');
  const parsed = parseBounce(ndr);
  assert.equal(parsed.deliveryId, 'dlv_01EXCHANGE');
  assert.deepEqual(parsed.recipients.map((r) => [r.recipient, r.reason]), [['ann@example.test', 'userunknown']]);
});

test('a notice listing many failed recipients yields each of them (up to 1,000), sharing the notice\'s reply past 50', () => {
  const notice = (n: number) => [
    'From: Mail Delivery System <mailer-daemon@mail.example.com>',
    'To: <list-owner@example.com>',
    'Subject: Message undeliverable',
    '',
    'Your message did not reach some or all of the intended recipients.',
    '',
    ...Array.from({ length: n }, (_, i) => `   member${i}@members.example`),
    '',
    'Remote server replied: 550 5.1.1 Recipient address rejected: User unknown',
    '',
  ].join('\r\n');
  const some = parseBounce(notice(120));
  assert.equal(some.recipients.length, 120);
  assert.ok(some.recipients.every((r) => r.reason === 'userunknown' && r.hardbounce), 'every one shares the notice\'s 550 5.1.1');
  assert.equal(parseBounce(notice(1500)).recipients.length, 1000);
});
