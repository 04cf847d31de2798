import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBounce } from '../../src/dsn/index.ts';
import type { ParsedBounce } from '../../src/dsn/types.ts';

const fixture = (name: string): ParsedBounce => parseBounce(readFileSync(new URL(`../fixtures/dsn/${name}`, import.meta.url)));

/** The facts a reader of each format must get right, one row per recipient. */
const CASES: Array<{ file: string; mta: string; kind?: string; rows: Array<[string, string | null, string, string]> }> = [
  { file: 'postfix-dsn.eml', mta: 'postfix', rows: [['jane.doe@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'sendmail-dsn-two-recipients.eml', mta: 'sendmail', rows: [['full@recipient.example', '5.2.2', 'mailboxfull', 'none'], ['gone@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  // the local delivery program's own line above Sendmail's exit-status summary says why
  // Sendmail 8's list of failed addresses, each "(reason: …)" line at the margin, no transcript
  { file: 'sendmail-reason-lines.eml', mta: 'sendmail', rows: [['dan@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'sendmail-local-mailer.eml', mta: 'sendmail', rows: [['left@recipient.example', '5.0.0', 'userunknown', 'suppress'], ['quota@recipient.example', '5.0.0', 'mailboxfull', 'none']] },
  // James lists every recipient above one reason, and attaches the original body as a bare part
  // whose addresses are not recipients
  { file: 'james.eml', mta: 'james', rows: [['ana@recipient.example', '5.2.2', 'mailboxfull', 'none'], ['ben@recipient.example', '5.2.2', 'mailboxfull', 'none']] },
  // Exchange 2010's text: a remote server's reply carries that server's name before the '#'
  { file: 'exchange2010-text.eml', mta: 'exchange2007', rows: [['full@recipient.example', '5.2.2', 'mailboxfull', 'none'], ['far@remote.example', '5.1.1', 'userunknown', 'suppress']] },
  // Exchange 2010 brackets the remote reply after the host: "host #<host #5.7.1 smtp;530 …> #SMTP#";
  // a reply with no status of its own takes the one before it
  { file: 'exchange2010-bracketed.eml', mta: 'exchange2007', rows: [['ron@recipient.example', '5.7.1', 'securityerror', 'fix-sender'], ['gone@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  // Domino's "was not delivered to: … because: …" beside a delivery-status part with only 5.0.0
  { file: 'domino-report.eml', mta: 'domino', rows: [['carl@recipient.example', '5.0.0', 'userunknown', 'suppress']] },
  // Domino may write each value on its label's line ("was not delivered to: ben@…", "because: 5.1.2 - …")
  { file: 'domino-same-line.eml', mta: 'domino', rows: [['ben@nowhere.example', '5.1.2', 'hostunknown', 'suppress']] },
  // Domino R5 wrote "250 Message received OK." into failure reports (IBM technote 1100477): still a
  // failure, its reason not given, never 'delivered'
  { file: 'domino-r5-success-text.eml', mta: 'domino', rows: [['carl@recipient.example', null, 'onhold', 'none']] },
  // cPanel's Exim: "This is a temporary error. The following address(es) deferred:" is a delay
  { file: 'cpanel-deferred.eml', mta: 'exim', rows: [['ben@recipient.example', null, 'speeding', 'retry']] },
  // Haraka's "Failure Reason:" stands in for the Diagnostic-Code its delivery-status part left out
  { file: 'haraka.eml', mta: 'haraka', rows: [['dora@recipient.example', '5.4.1', 'networkerror', 'none']] },
  // Microsoft 365's newer notice without a delivery-status part: the "Reported error" under Error Details
  { file: 'office365-error-details.eml', mta: 'office365', rows: [['eve@partner.example', '5.4.1', 'userunknown', 'suppress']] },
  { file: 'exim-failed.eml', mta: 'exim', rows: [['first@recipient.example', '5.1.1', 'userunknown', 'suppress'], ['second@recipient.example', null, 'expired', 'none']] },
  { file: 'exim-delayed.eml', mta: 'exim', rows: [['slow@recipient.example', '4.3.2', 'notaccept', 'retry']] },
  // a bounce_message_file / warn_message_file translated Exim's intro; deliver.c still writes the
  // address list, X-Failed-Recipients and the warning's "Delay reason:" label (a warning that
  // quotes 450 4.1.1 is retried, not suppressed) (named exim by its multipart boundary)
  { file: 'exim-translated-intro.eml', mta: 'exim', rows: [['max@nosuchhost.recipient.example', '5.0.0', 'hostunknown', 'suppress'], ['olga@recipient.example', '5.0.0', 'mailboxfull', 'none']] },
  { file: 'exim-translated-warning.eml', mta: 'exim', rows: [['jane@recipient.example', '4.1.1', 'userunknown', 'retry']] },
  // Exchange NDRs with no delivery-status part, section titles in French / Spanish (Microsoft's
  // localized NDR docs): X-MS-Exchange-Message-Is-Ndr marks them, the reply lines are untranslated
  // Postfix with a Japanese bounce(5) template: its X-Postfix fields mark it, and its own
  // "(in reply to end of DATA command)" line says the "unknown user" came after DATA
  { file: 'postfix-japanese-template.eml', mta: 'postfix', rows: [['jane@docomo.ne.jp', '5.0.0', 'filtered', 'fix-sender']] },
  // Courier writes each recipient head after one space (module.dsn/dsn.c print_receipient())
  { file: 'courier-indented-heads.eml', mta: 'courier', rows: [['jane@example.org', '5.0.0', 'networkerror', 'none']] },
  { file: 'exchange-ndr-french.eml', mta: 'exchange2007', rows: [['paul@nosuchhost.recipient.example', '5.4.4', 'hostunknown', 'suppress']] },
  { file: 'office365-ndr-spanish.eml', mta: 'exchange2007', rows: [['diego@recipient.example', '5.1.10', 'userunknown', 'suppress']] },
  { file: 'qmail.eml', mta: 'qmail', rows: [['nobody@recipient.example', '5.1.1', 'userunknown', 'suppress'], ['nohost@missing.example', '5.1.2', 'hostunknown', 'suppress']] },
  { file: 'japanese-iso2022.eml', mta: 'qmail', rows: [['taro@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'gmail-text.eml', mta: 'gmail', rows: [['over@recipient.example', '5.2.2', 'mailboxfull', 'none']] },
  { file: 'yahoo.eml', mta: 'yahoo', rows: [['absent@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'exchange2003.eml', mta: 'exchange2003', rows: [['buyer@corp.example', null, 'userunknown', 'suppress']] },
  { file: 'office365-text.eml', mta: 'office365', rows: [['lost@recipient.example', '5.1.10', 'userunknown', 'suppress']] },
  // dma sends its bounce once it gives up, so a quoted 452 is final: not retried
  { file: 'dragonfly.eml', mta: 'dragonfly', rows: [['full@recipient.example', '4.2.2', 'mailboxfull', 'none']] },
  { file: 'opensmtpd.eml', mta: 'opensmtpd', rows: [['nobody@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'amazon-ses-sns.eml', mta: 'amazonses', rows: [['nobody@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  // a notice no format claims, listing two recipients each with its own reply (hMailServer's
  // SEND_FAILED_NOTIFICATION): each gets its own, not the first reply in the text
  { file: 'hmailserver-two-recipients.eml', mta: 'unknown', rows: [['jane@example.org', '5.1.1', 'userunknown', 'suppress'], ['bob@example.org', '5.2.2', 'mailboxfull', 'none']] },
  // chasquid's plain-text notice: the cause is under "Technical details", not beside the summary list
  { file: 'chasquid-text.eml', mta: 'unknown', rows: [['dave@nonexistent.example.com', null, 'hostunknown', 'suppress']] },
  // two failed recipients, only one with an SMTP reply, and the returned message addressed to one
  // (the other was a Bcc): X-Failed-Recipients names both, and the one that timed out is not given
  // the other's 550
  { file: 'chasquid-two-recipients.eml', mta: 'unknown', rows: [['erin@recipient.example', '5.1.1', 'userunknown', 'suppress'], ['frank@slow.example', null, 'expired', 'none']] },
  // Stalwart: a connection failure has no Diagnostic-Code; its text part's line for the recipient says why
  { file: 'stalwart-connection.eml', mta: 'rfc3464', rows: [['carol@example.net', '5.0.0', 'expired', 'none']] },
  // Postal's notice is sent from the failed address itself and quotes the original Message-ID like
  // an address: the labelled "Rcpt To:" line names the recipient
  { file: 'postal.eml', mta: 'unknown', rows: [['support@example.org', null, 'onhold', 'none']] },
  // RFC 6533: UTF-8 addresses, raw and as \\x{HHHH} in the utf-8 address type; RFC 5321: a quoted local part
  { file: 'global-dsn-utf8.eml', mta: 'rfc3464', rows: [['jörg@bücher.example', '5.1.1', 'userunknown', 'suppress'], ['müller@recipient.example', '5.2.2', 'mailboxfull', 'none'], ['"jane doe"@recipient.example', '4.4.1', 'expired', 'retry']] },
  // an x400 Final-Recipient and a commented Content-Type (RFC 2045 5.1): the block is about the one
  // address the returned message went to, and keeps its status
  { file: 'x400-recipient.eml', mta: 'rfc3464', rows: [['jane@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  // Sun/Oracle Messaging Server's text without its delivery-status part: the summary it quotes of the
  // returned message names the original addressee, which the server had rewritten; the failed
  // recipient is the one the notice lists
  { file: 'messaging-server-text.eml', mta: 'unknown', rows: [['ana@mx.recipient.example', null, 'mailboxfull', 'none']] },
  // the reason stands in a paragraph of its own above an address listed alone; the paragraph below
  // it (a postmaster line) is not its reason
  { file: 'reason-above-address.eml', mta: 'unknown', rows: [['ana@recipient.example', null, 'mailboxfull', 'none']] },
  // a gateway's disclaimer after "-- " and a list footer under a rule name their own addresses, no recipient
  { file: 'notice-with-footer.eml', mta: 'unknown', rows: [['eve@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  // no SMTP reply: a line opening with an enhanced status code says why (Seznam's bilingual notice),
  // else the text a "Reason:" label introduces, in the notice's language ("Grund:")
  { file: 'status-line-notice.eml', mta: 'unknown', rows: [['ben@recipient.example', '5.1.1', 'userunknown', 'suppress']] },
  { file: 'reason-label-notice.eml', mta: 'unknown', rows: [['carl@recipient.example', null, 'mailboxfull', 'none']] },
  // a Japanese notice whose reason line ("原因:") names the address before its words
  { file: 'japanese-reason-line.eml', mta: 'unknown', rows: [['ben@recipient.example', null, 'userunknown', 'suppress']] },
  { file: 'arf-abuse.eml', mta: 'arf', kind: 'feedback', rows: [['angry@isp.example', null, 'feedback', 'none']] },
  { file: 'autoreply.eml', mta: 'rfc3834', kind: 'autoreply', rows: [['jane@recipient.example', null, 'vacation', 'none']] },
];

for (const c of CASES) {
  test(`${c.file} is read as ${c.mta}: ${c.rows.map((r) => `${r[0]} ${r[2]}`).join(', ')}`, () => {
    const parsed = fixture(c.file);
    assert.equal(parsed.error, null);
    assert.equal(parsed.mta, c.mta);
    assert.equal(parsed.kind, c.kind ?? 'dsn');
    assert.deepEqual(parsed.recipients.map((r) => [r.recipient, r.status, r.reason, r.action]), c.rows);
  });
}

test('every recipient of every fixture carries the diagnostic it was classified on', () => {
  for (const c of CASES) {
    if (c.kind) continue;
    for (const r of fixture(c.file).recipients) assert.notEqual(r.diagnostic, '', `${c.file} ${r.recipient}`);
  }
});

test('the multi-line reply an Exim bounce quotes reaches the classifier whole', () => {
  const first = fixture('exim-failed.eml').recipients[0];
  assert.match(first.diagnostic, /^550-5\.1\.1 The email account .* 550 5\.1\.1 Please try/);
  assert.equal(first.remoteMta, 'mx.recipient.example');
  assert.equal(first.basic, 550);
});

test("Haraka's failure reason becomes the diagnostic when its delivery-status part has none", () => {
  assert.match(fixture('haraka.eml').recipients[0].diagnostic, /^Too many failures \(Tried 2 MXs, last error: connect ECONNREFUSED/);
});

test("Exchange's text names the server that refused a recipient", () => {
  const far = fixture('exchange2010-text.eml').recipients[1];
  assert.equal(far.remoteMta, 'mx1.remote.example');
  assert.equal(far.reportingMta, 'EXCH01.sender.example');
});

test('a delay warning is a bounce whose recipient is to be retried, not suppressed', () => {
  const parsed = fixture('exim-delayed.eml');
  assert.equal(parsed.isBounce, true);
  assert.equal(parsed.recipients[0].dsnAction, 'delayed');
  assert.equal(parsed.recipients[0].retryable, true);
});

test('an abuse report is not a bounce and names the feedback type', () => {
  const parsed = fixture('arf-abuse.eml');
  assert.equal(parsed.isBounce, false);
  assert.equal(parsed.recipients[0].feedbackType, 'abuse');
  assert.equal(parsed.deliveryId, 'dlv_promo_42');
});

test('an out-of-office reply is not a bounce and nothing is to be done about it', () => {
  const parsed = fixture('autoreply.eml');
  assert.equal(parsed.isBounce, false);
  assert.equal(parsed.recipients[0].hardbounce, false);
  assert.equal(parsed.recipients[0].retryable, false);
});
