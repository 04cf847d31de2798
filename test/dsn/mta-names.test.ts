import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { MARK_NAMES } from '../../src/dsn/detect-mta.ts';
import { FALLBACK_FORMATS, FORMATS } from '../../src/dsn/formats/index.ts';
import { parseBounce } from '../../src/dsn/index.ts';

const doc = readFileSync(new URL('../../docs/bounce-parsing.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### The `mta` field'), doc.indexOf('## Status, diagnostic and reason'));
const documented = new Set([...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((n) => n[1]!)));

test('docs/bounce-parsing.md lists every mta value the marks and formats can give', () => {
  const names = new Set([...MARK_NAMES, ...FORMATS.map((f) => f.name), ...FALLBACK_FORMATS.map((f) => f.name), 'verp']);
  assert.deepEqual([...names].filter((n) => !documented.has(n)).sort(), []);
});

test('every mta the parser gives over the fixtures is a documented value', () => {
  const dir = new URL('../fixtures/dsn/', import.meta.url);
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const mta = parseBounce(readFileSync(new URL(file, dir))).mta;
    if (mta !== null) seen.add(mta);
  }
  assert.ok(seen.size >= 15, `only ${seen.size} values seen`);
  assert.deepEqual([...seen].filter((n) => !documented.has(n)).sort(), []);
});

test('an Exim multipart/report is named exim by the opening line of its default text', () => {
  const raw = [
    'From: Mail Delivery System <Mailer-Daemon@mx.sender.example>',
    'To: news@sender.example',
    'Subject: Mail delivery failed: returning message to sender',
    'X-Failed-Recipients: gone@recipient.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="E"',
    '',
    '--E',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
    '  gone@recipient.example',
    '    host mx.recipient.example [192.0.2.7]',
    '    SMTP error from remote mail server after RCPT TO:<gone@recipient.example>:',
    '    550 5.1.1 No such user here',
    '',
    '--E',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.sender.example',
    '',
    'Action: failed',
    'Final-Recipient: rfc822;gone@recipient.example',
    'Status: 5.0.0',
    'Remote-MTA: dns; mx.recipient.example',
    'Diagnostic-Code: smtp; 550 5.1.1 No such user here',
    '',
    '--E--',
    '',
  ].join('\n');
  const b = parseBounce(raw);
  assert.equal(b.mta, 'exim');
  assert.deepEqual(b.recipients.map((r) => [r.recipient, r.reason]), [['gone@recipient.example', 'userunknown']]);
  // translated (bounce_message_file), it still has Exim's boundary
  const translated = raw.replace('This message was created automatically by mail delivery software.', 'Diese Nachricht wurde automatisch vom Mailsystem erzeugt.')
    .replaceAll('boundary="E"', 'boundary="1741079525-eximdsn-1804289383"').replaceAll('--E', '--1741079525-eximdsn-1804289383');
  assert.equal(parseBounce(translated).mta, 'exim');
});
