import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBounceMessage } from '../../src/dsn/message.ts';
import { parseMime, toBinaryString, bodyText } from '../../src/dsn/mime/parse-mime.ts';
import { DEFAULT_MIME_LIMITS } from '../../src/dsn/mime/limits.ts';

const report = (newline: string) => [
  'From: MAILER-DAEMON@mx.example.net',
  'Subject: =?UTF-8?B?w4RyZ2VyIG1pdCBkZXIgWnVzdGVsbHVuZw==?=',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="b1"',
  '',
  'preamble',
  '--b1',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Die Nachricht konnte nicht zugestellt werden: Empf=E4nger unbekannt.',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.net',
  '',
  'Final-Recipient: rfc822; anna@example.org',
  'Action: failed',
  'Status: 5.1.1',
  '--b1',
  'Content-Type: message/rfc822',
  '',
  'From: sender@example.com',
  'Message-ID: <m1@example.com>',
  '',
  'hello',
  '--b1--',
  '',
].join(newline);

test('a header folded over several lines reads as one value, encoded words decoded', () => {
  const msg = readBounceMessage(report('\n'));
  assert.equal(msg.subject, 'Ärger mit der Zustellung');
  assert.match(msg.headers.raw('content-type') ?? '', /report-type=delivery-status; boundary="b1"/);
});

test('LF, CRLF and bare CR newlines give the same parts', () => {
  const views = ['\n', '\r\n', '\r'].map((nl) => readBounceMessage(report(nl)));
  for (const v of views) {
    assert.equal(v.body, views[0].body);
    assert.deepEqual(v.deliveryStatus, views[0].deliveryStatus);
    assert.equal(v.returnedHeaders?.get('message-id'), '<m1@example.com>');
  }
});

test('quoted-printable and a legacy charset are decoded; the report and the returned headers are set apart', () => {
  const msg = readBounceMessage(report('\n'));
  assert.equal(msg.body, 'Die Nachricht konnte nicht zugestellt werden: Empfänger unbekannt.');
  assert.equal(msg.deliveryStatus.length, 1);
  assert.match(msg.deliveryStatus[0], /Final-Recipient: rfc822; anna@example\.org/);
  assert.equal(msg.returnedHeaders?.get('from'), 'sender@example.com');
});

test('base64 UTF-8, Shift_JIS and ISO-2022-JP text parts come out as text', () => {
  const sjis = Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]); // テスト
  const raw = Buffer.concat([
    Buffer.from('From: a@example.net\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'),
    Buffer.from(Buffer.from('héllo wörld\n').toString('base64') + '\n'),
    Buffer.from('--x\nContent-Type: text/plain; charset=Shift_JIS\n\n'),
    sjis,
    Buffer.from('\n--x\nContent-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B%F%9%H\x1b(B\n--x--\n'),
  ]);
  const msg = readBounceMessage(raw);
  assert.equal(msg.body, 'héllo wörld\n\nテスト\nテスト');
});

test('ISO-2022-JP written where no charset is given (a bare part, a report field) is still read as Japanese', () => {
  const jis = '\x1b$B%f!<%6!<\x1b(B jane \x1b$B$O\x1b(B'; // ユーザー jane は
  const msg = readBounceMessage(Buffer.from(`From: a@example.net\nContent-Type: text/plain\n\n${jis}\n`, 'latin1'));
  assert.equal(msg.body, 'ユーザー jane は\n');
  // an escape that is not an ISO-2022-JP designation (a terminal colour code) is left as it is
  assert.equal(readBounceMessage(Buffer.from('From: a@example.net\n\nred \x1b[31m text\n', 'latin1')).body, 'red \x1b[31m text\n');
});

test('8-bit UTF-8 in a part labelled us-ascii is read as UTF-8, invalid bytes as windows-1252', () => {
  const utf8 = readBounceMessage(Buffer.from('From: a@example.net\nContent-Type: text/plain; charset=us-ascii\n\nUnzustellbar: Müller\n', 'utf8'));
  assert.equal(utf8.body, 'Unzustellbar: Müller\n');
  const legacy = readBounceMessage(Buffer.concat([Buffer.from('From: a@example.net\n\nM'), Buffer.from([0xfc]), Buffer.from('ller\n')]));
  assert.equal(legacy.body, 'Müller\n');
});

test('a string and the Buffer of its UTF-8 bytes read the same', () => {
  const text = 'From: a@example.net\nSubject: Zustellung fehlgeschlagen – Müller\n\nKörper\n';
  const a = readBounceMessage(text);
  const b = readBounceMessage(Buffer.from(text, 'utf8'));
  assert.equal(a.subject, b.subject);
  assert.equal(a.body, b.body);
  assert.equal(a.subject, 'Zustellung fehlgeschlagen – Müller');
});

test('a multipart whose boundary never occurs is read as plain text, with a note', () => {
  const msg = readBounceMessage('From: a@example.net\nContent-Type: multipart/mixed; boundary=nowhere\n\n<jane@example.org>:\nSorry, no mailbox here by that name.\n');
  assert.match(msg.body, /no mailbox here/);
  assert.ok(msg.notes.some((n) => /boundary .* never occurs/.test(n)), msg.notes.join('; '));
});

test('a multipart with no boundary parameter is read as plain text, with a note', () => {
  const msg = readBounceMessage('From: a@example.net\nContent-Type: multipart/report\n\nthe text\n');
  assert.equal(msg.body, 'the text\n');
  assert.ok(msg.notes.some((n) => /has no boundary/.test(n)));
});

test('a multipart cut off before its closing boundary keeps its last part, with a note', () => {
  const msg = readBounceMessage('From: a@example.net\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst part\n--b\n\nsecond part, cut');
  assert.equal(msg.body, 'first part\nsecond part, cut');
  assert.ok(msg.notes.some((n) => /without its closing boundary/.test(n)));
});

test('a boundary that another boundary merely starts with does not split the part', () => {
  const raw = 'From: a@example.net\nContent-Type: multipart/mixed; boundary=ab\n\n--ab\nContent-Type: multipart/alternative; boundary=abc\n\n--abc\n\ninner text\n--abc--\n--ab--\n';
  assert.equal(readBounceMessage(raw).body, 'inner text');
});

test('nesting deeper than the cap is left unread, with a note, and nothing breaks', () => {
  let raw = 'From: a@example.net\n';
  const depth = 60;
  for (let i = 0; i < depth; i++) raw += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
  raw += 'Content-Type: text/plain\n\ndeep text\n';
  for (let i = depth - 1; i >= 0; i--) raw += `--b${i}--\n`;
  const msg = readBounceMessage(raw);
  assert.ok(msg.notes.some((n) => /nesting deeper than \d+ levels/.test(n)));
  assert.doesNotMatch(msg.body, /deep text/);
});

test('only the first maxBytes of a huge message are read, and the result says so', () => {
  const big = 'From: a@example.net\nSubject: big\n\n' + 'x'.repeat(3 * 1024 * 1024);
  const msg = readBounceMessage(big, { ...DEFAULT_MIME_LIMITS, maxBytes: 1024 * 1024 });
  assert.equal(msg.truncated, true);
  assert.ok(msg.notes[0].startsWith('only the first 1048576 of'));
  assert.equal(msg.subject, 'big');
});

test('more parts than the cap stop the walk with a note', () => {
  let raw = 'From: a@example.net\nContent-Type: multipart/mixed; boundary=p\n\n';
  for (let i = 0; i < 400; i++) raw += `--p\n\npart ${i}\n`;
  raw += '--p--\n';
  const { root, notes } = parseMime(toBinaryString(raw, DEFAULT_MIME_LIMITS.maxBytes).src);
  assert.ok(root.children.length < 400);
  assert.ok(notes.some((n) => /more than \d+ MIME parts/.test(n)));
});

test('a message/rfc822 part sent in base64 is still read as a message', () => {
  const inner = Buffer.from('From: original@example.com\nMessage-ID: <x@example.com>\nX-Rebound-ID: dlv_9\n\nbody\n').toString('base64');
  const raw = `From: MAILER-DAEMON@example.net\nContent-Type: multipart/mixed; boundary=z\n\n--z\n\nUndeliverable\n--z\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${inner}\n--z--\n`;
  const msg = readBounceMessage(raw);
  assert.equal(msg.returnedHeaders?.get('x-rebound-id'), 'dlv_9');
});

test('a text part is decoded only up to the text cap', () => {
  const raw = 'From: a@example.net\n\n' + 'y'.repeat(600 * 1024);
  const { root } = parseMime(toBinaryString(raw, DEFAULT_MIME_LIMITS.maxBytes).src);
  assert.equal(bodyText(root, 1000).length, 1000);
});

test('an HTML-only bounce is read as text: tags dropped, blocks as lines, entities decoded', () => {
  const msg = readBounceMessage('From: a@example.net\nContent-Type: text/html; charset=utf-8\n\n<html><head><style>p{}</style></head><body><p>Delivery to <b>jane@example.org</b> failed:</p><div>550 5.1.1 User&nbsp;unknown &amp; gone</div></body></html>');
  assert.match(msg.body, /Delivery to jane@example\.org failed:\n+550 5\.1\.1 User unknown & gone/);
  assert.doesNotMatch(msg.body, /p\{\}/);
});

test('a plain-text alternative is preferred over its HTML twin', () => {
  const raw = 'From: a@example.net\nContent-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/plain\n\nplain words\n--alt\nContent-Type: text/html\n\n<p>html words</p>\n--alt--\n';
  assert.equal(readBounceMessage(raw).body, 'plain words');
});

test('an HTML notice beside an unrelated plain part (a list footer) is read too', () => {
  const raw = 'From: a@example.net\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/html\n\n<p>Delivery to jane@example.org failed: 550 5.1.1 User unknown</p>\n--m\nContent-Type: text/plain\n\nlist footer\n--m--\n';
  const body = readBounceMessage(raw).body;
  assert.match(body, /550 5\.1\.1 User unknown/);
  assert.match(body, /list footer/);
});

test('a line break written twice ("<br>" and a newline in the source) stays one line break', () => {
  const msg = readBounceMessage('From: a@example.net\nContent-Type: text/html\n\n<p>jane@example.org<br>\n    host mx.example.org said: 550 User unknown<br>\n</p>');
  assert.match(msg.body, /jane@example\.org\n {4}host mx\.example\.org said: 550 User unknown/);
});

test('format=flowed text (RFC 3676) is joined back where the client wrapped it', () => {
  const raw = 'From: a@example.net\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n<jane@example.org>: host mx.example.org said: 550 5.1.1 \n <jane@example.org>: Recipient address rejected: User \nunknown\n-- \nsignature\n';
  const body = readBounceMessage(raw).body;
  assert.match(body, /said: 550 5\.1\.1 <jane@example\.org>: Recipient address rejected: User unknown\n-- \nsignature/);
  const delsp = readBounceMessage('From: a@example.net\nContent-Type: text/plain; format=flowed; delsp=yes\n\nUser un \nknown\n').body;
  assert.match(delsp, /User unknown/);
});
