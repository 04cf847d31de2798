import assert from 'node:assert/strict';
import { parseBounce } from '../../src/dsn/index.ts';

// Every format reads text an attacker can write. Each case below passes one format's `match`
// (its sender, subject or marker lines) and then feeds it lines built to make regular
// expressions backtrack: long runs of "a@", of spaces, of angle brackets, of address-like
// tokens — and its own marker lines thousands of times over. A quadratic pattern would take
// minutes on these. These are the bodies of hostile-formats.test.ts, which runs them in a worker
// thread under a deadline (test/support/deadline.ts).

const RUN = 200_000;
const evilLines = [
  'a@'.repeat(RUN / 2),
  '<' + 'a@b'.repeat(RUN / 3) + '>:',
  ' '.repeat(RUN) + 'x',
  'x'.repeat(RUN) + '@',
  ('"' + 'a'.repeat(100) + '@' + 'b'.repeat(100) + '":').repeat(500),
  'ERROR_CODE :550, ERROR_CODE :' + ' \n'.repeat(RUN / 4),
  '>>> RCPT TO:<' + 'a'.repeat(RUN) + '@x.example>',
  ('Final-Recipient: rfc822; ' + 'a@'.repeat(1000) + '\n').repeat(50),
];

export const CASES: Array<[string, string, string, string]> = [
  // from, subject, marker text, name
  ['Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Mail delivery failed', 'This message was created automatically by mail delivery software.\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n', 'exim'],
  ['MAILER-DAEMON@mx.example.net', 'failure notice', "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n", 'qmail'],
  ['MAILER-DAEMON@mail.gmx.example', 'Mail delivery failed', 'The following address failed:\n', 'gmx'],
  ['mailer-daemon@googlemail.com', 'Delivery Status Notification (Failure)', 'Delivery to the following recipient failed permanently:\n\n     ', 'gmail'],
  ['MAILER-DAEMON@yahoo.com', 'Failure Notice', 'Sorry, we were unable to deliver your message to the following address.\n\n', 'yahoo'],
  ['Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>', 'Returned mail', '   ----- The following addresses had permanent fatal errors -----\n', 'sendmail'],
  ['Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>', 'Returned mail', '   ----- Transcript of session follows -----\n... while talking to mx.example.org.:\n', 'sendmail transcript'],
  ['MAILER-DAEMON@mx.example.net', 'Undelivered Mail Returned to Sender', 'This is the mail system at host mx.example.net.\n\n', 'postfix'],
  ['Mailer Daemon <MAILER-DAEMON@mx.example.net>', 'Delivery status notification: error', 'This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\nthe following list of recipients:\n\n', 'opensmtpd'],
  ['postmaster@corp.example', 'Undeliverable', 'did not reach the following recipient(s):\n\n', 'exchange2003'],
  ['postmaster@corp.example', 'Undeliverable', 'Diagnostic information for administrators:\n\n', 'exchange2007'],
  ['mailer-daemon@mail.zoho.com', 'Undelivered Mail Returned to Sender', '', 'zoho'],
  ['"Postmaster" <postmaster@example.org>', 'Undeliverable Mail', '', 'imailserver'],
  ['Postmaster@ezweb.ne.jp', 'Mail System Error - Returned Mail', 'Each of the following recipients was rejected by a remote mail server.\n    Recipient: <', 'ezweb'],
  ['postmaster@n.example.co.jp', 'Undeliverable message', '------- Failure Reasons  --------\n\n', 'notes'],
  ['"InterScan MSS" <postmaster@example.co.jp>', 'Mail could not be delivered', 'Sent <<< RCPT TO:<', 'trendmicro'],
  ['postmaster@example.com', 'failure notice', '以下のメールアドレスへの送信に失敗しました。\n', 'mfilter'],
  ['postmaster@mail.example.net', 'Re: hello', "Hi. This is the James mail server at mail.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nyour message.\n\n", 'james'],
  ['MAILER-DAEMON@mail.example.net', 'failure notice', 'Hi. This is the Haraka Mailer program at mail.example.net.\nIntended Recipients: <a@b.example>\nFailure Reason: ', 'haraka'],
  ['Postmaster@example.com', 'DELIVERY FAILURE: x', 'Your message\n\nwas not delivered to:\n\n  ', 'domino report'],
  ['postmaster@corp.example', 'Undeliverable', 'Diagnostic information for administrators:\n\njane@example.org\nmx.example.org #550 ', 'exchange2007 remote host'],
  ['postmaster@corp.example', 'Undeliverable', 'Diagnostic information for administrators:\n\njane@example.org\nmx.example.org #<mx.example.org #5.1.1 smtp;550 ', 'exchange2010 bracketed reply'],
  ['Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>', 'Returned mail', '   ----- Transcript of session follows -----\nmail.local: ', 'sendmail local mailer'],
  ['postmaster@corp.example', 'Undeliverable', 'Recipient Address: a@b.example\nReported error: ', 'office365 error details'],
  ['"Mail Delivery Subsystem" <MAILER-DAEMON@mail.example.net>', 'Failed to deliver message', 'Your message could not be delivered to the following recipients:\n\n<a@b.example> (', 'stalwart'],
  ['mailer-daemon@mail.example.net', 'Message undeliverable', 'The following recipient(s) could not be reached:\n\na@b.example\n   Error Type: SMTP\n   Remote server replied: 550 x\n\nc@d.example\n   Remote server replied: 552 y\n', 'generic, one reply per recipient'],
  ['Mail Delivery Service <support@example.org>', 'Mail Delivery Failed', 'Orginal Message ID: <a@b>\nRcpt To: ', 'postal'],
  // a block head whose own text runs on: the block's text is not trimmed before it is searched
  ['MAILER-DAEMON@mx.example.net', 'failure notice', '<a@b.example>: (', 'qmail-style block head'],
  ['MAILER-DAEMON@mx.example.net', 'Undeliverable', '', 'generic'],
  ['Postmaster@example.com', 'DELIVERY FAILURE: x', 'was not delivered to: a@b.example\nbecause: ', 'domino same-line report'],
  ['MAILER-DAEMON@mx.example.net', 'failure notice', '<a@b.example>\n\nDůvod / Reason:\n', 'generic reason label'],
  ['MAILER-DAEMON@mx.example.net', 'failure notice', '<a@b.example>\n\n5.1.1 ', 'generic status line'],
  ['MAILER-DAEMON@mx.example.net', '[EXTERNAL] Re: Warning: could not send message for past 4 hours', '   ----- Transcript of session follows -----\n', 'sendmail warning with a tagged subject'],
  ['Jane <jane@example.org>', 'Out of Office', '', 'autoreply'],
  // this round's layouts: an Exim warning and failure whose intro a template translated, Exim's
  // "(generated from …)" under a redirected address, an Exchange NDR with translated titles
  ['Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Предупреждение', 'Письмо не доставлено:\n\n  a@b.example\n    Delay reason: ', 'exim translated warning'],
  ['Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Mailzustellung fehlgeschlagen', 'Folgende Adresse(n) sind fehlgeschlagen:\n\n  a@b.example\n    ', 'exim translated intro'],
  ['Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Mail delivery failed', 'This message was created automatically by mail delivery software.\nThe following address(es) failed:\n\n  a@b.example\n    (generated from ', 'exim generated from'],
  ['Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.com>', 'Non remis : x', 'Informations de diagnostic pour les administrateurs :\n\na@b.example\nRemote Server returned \'550 ', 'exchange translated'],
];

/** Headers a reader needs besides From / To / Subject to take the notice. */
const EXTRA_HEADERS: Readonly<Record<string, string>> = {
  imailserver: 'X-Mailer: <SMTP32 v8.22>\n',
  autoreply: 'Auto-Submitted: auto-replied\n',
  'exim translated intro': 'X-Failed-Recipients: a@b.example\n',
  'exchange translated': 'X-MS-Exchange-Message-Is-Ndr:\n',
};

/** The reader case CASES[index], fed its own marker thousands of times and then every evil line. */
export function readerStaysLinear(index: number): void {
  const [from, subject, marker, name] = CASES[index]!;
  const headers = `From: ${from}\nTo: sender@example.com\nSubject: ${subject}\n${EXTRA_HEADERS[name] ?? ''}\n`;
  // the format's own marker repeated thousands of times: each occurrence must not rescan the rest
  if (marker !== '') assert.equal(typeof parseBounce(headers + marker.repeat(3000)).isBounce, 'boolean');
  for (const evil of evilLines) {
    const p = parseBounce(headers + marker + evil + '\n' + marker + evil.slice(0, 1000) + '\n');
    assert.equal(typeof p.isBounce, 'boolean');
    assert.doesNotMatch(p.error ?? '', /could not (?:read|understand) the email/);
  }
}
