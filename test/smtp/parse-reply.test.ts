import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReply, MAX_TEXT } from '../../src/smtp/index.ts';

test('a single-line reply yields its basic code, enhanced code, class and text', () => {
  const r = parseReply('451 4.3.2 System not accepting network messages');
  assert.equal(r.basic, 451);
  assert.equal(r.enhanced, '4.3.2');
  assert.equal(r.class, 'transient');
  assert.equal(r.text, 'System not accepting network messages');
  assert.equal(r.conflict, null);
  assert.equal(r.networkError, null);
});

test('a multi-line reply joins its lines and strips the repeated codes on each', () => {
  const r = parseReply('550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient\'s email address for typos or\r\n550 5.1.1 unnecessary spaces.');
  assert.equal(r.basic, 550);
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(r.text, "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.");
});

test('LF-only and bare-CR line breaks are read like CRLF', () => {
  for (const sep of ['\n', '\r']) {
    const r = parseReply(`421-4.7.0 first line${sep}421 4.7.0 second line`);
    assert.equal(r.basic, 421);
    assert.equal(r.enhanced, '4.7.0');
    assert.equal(r.text, 'first line second line');
  }
});

test('a reply without a basic code still yields its enhanced code and class', () => {
  const r = parseReply('4.3.2 System not accepting network messages');
  assert.equal(r.basic, null);
  assert.equal(r.enhanced, '4.3.2');
  assert.equal(r.class, 'transient');
  assert.equal(r.text, 'System not accepting network messages');
});

test('a bare status is a reply with an enhanced code and no text', () => {
  const r = parseReply('5.1.1');
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(r.class, 'permanent');
  assert.equal(r.text, '');
});

test('enhanced codes with a three-digit detail are kept whole', () => {
  assert.equal(parseReply('451 4.7.500 Server busy. Please try again later').enhanced, '4.7.500');
  assert.equal(parseReply('550 5.7.708 Service unavailable. Access denied').enhanced, '5.7.708');
});

test('enhanced codes wrapped as #4.3.2 or (4.3.2) are found and stripped from the text', () => {
  const hash = parseReply('550 #5.1.0 Address rejected jane@example.org');
  assert.equal(hash.enhanced, '5.1.0');
  assert.equal(hash.text, 'Address rejected jane@example.org');
  const paren = parseReply('451 (4.3.2) try later');
  assert.equal(paren.enhanced, '4.3.2');
  const qmail = parseReply('550 sorry, no mailbox here by that name. (#5.1.1)');
  assert.equal(qmail.enhanced, '5.1.1');
});

test('the smtp; form of a DSN Diagnostic-Code is unwrapped', () => {
  const r = parseReply('smtp; 550 5.1.1 <jane@Example.ORG>: Recipient address rejected: User unknown');
  assert.equal(r.basic, 550);
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(r.recipient, 'jane@example.org');
  const header = parseReply('Diagnostic-Code: SMTP; 452 4.2.2 over quota');
  assert.equal(header.basic, 452);
  assert.equal(header.text, 'over quota');
});

test('a reply quoted inside an MTA sentence yields the quoted codes and the phase', () => {
  const r = parseReply('host mx.example.org[192.0.2.1] said: 550 5.1.1 <jane@example.org>: Recipient address rejected (in reply to RCPT TO command)');
  assert.equal(r.basic, 550);
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(r.recipient, 'jane@example.org');
  assert.equal(r.phase, 'rcpt');
  const exim = parseReply('SMTP error from remote mail server after RCPT TO:<bob@example.net>: host mx [192.0.2.1]: 550 unknown user');
  assert.equal(exim.basic, 550);
  assert.equal(exim.recipient, 'bob@example.net');
  assert.equal(exim.phase, 'rcpt');
  const qmail = parseReply('Sorry, no SMTP connection got far enough; most progress was RCPT TO response; remote host 192.0.2.7 said: 550 no mailbox by that name here');
  assert.equal(qmail.basic, 550);
  assert.equal(qmail.phase, 'rcpt', "qmail-remote's own wording for the step");
  assert.equal(parseReply('Connected to 192.0.2.1 but greeting failed. Remote host said: 554 Access denied').phase, 'greeting');
  assert.equal(parseReply('Connected to 192.0.2.1 but my name was rejected. Remote host said: 550 go away').phase, 'ehlo');
  assert.equal(parseReply('Connected to 192.0.2.1 but sender was rejected. Remote host said: 553 sorry').phase, 'mail');
});

test('an address the reply names as the sender is not the recipient', () => {
  // Postfix's reject_rhsbl_sender / reject_unknown_sender_domain name the sender first
  assert.equal(parseReply('554 5.7.1 <bob@example.com>: Sender address rejected: Service unavailable; Sender address [bob@example.com] blocked using dbl.spamhaus.org').recipient, null);
  assert.equal(parseReply('450 4.1.8 <bob@example.com>: Sender address rejected: Domain not found').recipient, null);
  assert.equal(parseReply('550 5.7.1 from=<bob@example.com> to=<jane@example.org> refused').recipient, 'jane@example.org');
});

test('a success code quoted inside a failure sentence is not the outcome', () => {
  // Exim's deferral quotes the EHLO reply it got before the connection dropped
  const exim = parseReply('Remote host closed connection in response to EHLO mail.sender.example (EHLO response was: 250-mx.example.org Hello)');
  assert.equal(exim.basic, null);
  assert.notEqual(exim.class, 'success');
  assert.equal(parseReply('after end of data: 250 2.0.0 queued, then: 451 4.3.0 lost').basic, 451);
  // a success reply itself still starts with its code
  assert.equal(parseReply('250 2.0.0 Ok: queued as 4F3A1').class, 'success');
  // a session quoted from its greeting: the failure that ended it is the outcome
  const session = parseReply('220-mx.example.org 421 4.2.1 Service refused, please try later');
  assert.equal(session.basic, 421);
  assert.equal(session.enhanced, '4.2.1');
  assert.equal(session.class, 'transient');
});

test('IP addresses and version numbers are not mistaken for enhanced codes', () => {
  assert.equal(parseReply('550 rejected [192.168.5.1.1]').enhanced, null);
  assert.equal(parseReply('550 Exim 4.96.2 says no').enhanced, null);
  assert.equal(parseReply('connect to 5.1.1.4:25 refused').enhanced, null);
});

test('the recipient comes from to=<…>, <…>: or a leading address, never from a FROM address', () => {
  assert.equal(parseReply('status=bounced to=<Jane@EXAMPLE.org> 550 no').recipient, 'Jane@example.org');
  assert.equal(parseReply('550 5.1.1 jane@example.org: Recipient address rejected').recipient, 'jane@example.org');
  assert.equal(parseReply('553 5.1.8 MAIL FROM:<bob@example.com> rejected').recipient, null);
  assert.equal(parseReply('451 4.3.2 System not accepting network messages').recipient, null);
});

test('the phase given by the caller is kept', () => {
  assert.equal(parseReply('451 4.3.2 busy', { phase: 'data' }).phase, 'data');
});

test('a basic and enhanced code of different classes are reported, and the basic code wins', () => {
  const r = parseReply('550 4.2.2 mailbox full');
  assert.equal(r.class, 'permanent');
  assert.deepEqual(r.conflict, { basic: 'permanent', enhanced: 'transient', winner: 'basic', rule: 'conflict/basic-wins' });
});

test('a success basic code with a failure enhanced code is believed as the failure', () => {
  const r = parseReply('250 5.1.1 odd server');
  assert.equal(r.class, 'permanent');
  assert.equal(r.conflict?.rule, 'conflict/failure-over-success');
});

test('Node network errors become transient network errors carrying their code', () => {
  for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'ECONNRESET', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
    const err = Object.assign(new Error(`failed: ${code}`), { code });
    const r = parseReply(err);
    assert.equal(r.class, 'transient');
    assert.equal(r.networkError, code);
    assert.equal(r.basic, null);
  }
});

test('a wrapped network error keeps the most specific code from its cause', () => {
  const inner = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const outer = Object.assign(new Error('Connection closed', { cause: inner }), { code: 'ESOCKET' });
  assert.equal(parseReply(outer).networkError, 'ECONNRESET');
});

test('an SMTP error from nodemailer is parsed from its response, with the phase from its command', () => {
  const err = Object.assign(new Error("Can't send mail - all recipients were rejected"), {
    code: 'EENVELOPE', response: '550 5.1.1 <jane@example.org>: Recipient address rejected', responseCode: 550, command: 'RCPT TO',
  });
  const r = parseReply(err);
  assert.equal(r.basic, 550);
  assert.equal(r.enhanced, '5.1.1');
  assert.equal(r.phase, 'rcpt');
  assert.equal(r.networkError, null);
});

test('the text kept for matching is capped for huge replies', () => {
  const r = parseReply('550 5.1.1 ' + 'x'.repeat(2_000_000));
  assert.equal(r.basic, 550);
  assert.ok(r.text.length <= MAX_TEXT);
  assert.ok(r.raw.length <= 8 * 1024);
});

test('continuation codes of a reply flattened onto one line are removed from the text', () => {
  const r = parseReply('550-5.7.1 [192.0.2.1] Messages with multiple 550 5.7.1 addresses in From: header are not accepted.');
  assert.equal(r.text, '[192.0.2.1] Messages with multiple addresses in From: header are not accepted.');
});
