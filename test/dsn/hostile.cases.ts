import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parseBounce } from '../../src/dsn/index.ts';
import type { ParsedBounce } from '../../src/dsn/types.ts';

// The bodies of test/dsn/hostile.test.ts. They run in a worker thread under a deadline
// (test/support/deadline.ts): a parse that hangs fails its test instead of hanging the suite.

const fixtures = readdirSync(new URL('../fixtures/dsn/', import.meta.url)).map((f) => readFileSync(new URL(`../fixtures/dsn/${f}`, import.meta.url)));

// Every input, however broken, comes back as a well-formed result: never a throw.
function assertWellFormed(p: ParsedBounce): void {
  assert.equal(typeof p.isBounce, 'boolean');
  assert.ok(['dsn', 'autoreply', 'feedback', 'other'].includes(p.kind));
  assert.ok(Array.isArray(p.recipients) && Array.isArray(p.notes));
  assert.ok(p.error === null || (typeof p.error === 'string' && p.error.length > 0));
  if (p.error !== null) assert.equal(p.recipients.length, 0);
  // the parser's own safety net must never be what answered: that would be a bug in a format
  assert.doesNotMatch(p.error ?? '', /could not (?:read|understand) the email/);
  for (const r of p.recipients) {
    assert.equal(typeof r.recipient, 'string');
    assert.equal(typeof r.reason, 'string');
    assert.equal(typeof r.hardbounce, 'boolean');
    assert.ok(r.status === null || /^[245]\.\d{1,3}\.\d{1,3}$/.test(r.status));
  }
}

/** A DSN fixture bent by one of the mutations mail systems and attackers produce. */
const mutatedDsn = fc.record({
  base: fc.constantFrom(...fixtures),
  cut: fc.nat(),
  op: fc.constantFrom('truncate', 'flip', 'insert', 'drop-boundary', 'dup-lines', 'crlf', 'nul'),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
}).map(({ base, cut, op, bytes }) => {
  const at = cut % (base.length + 1);
  switch (op) {
    case 'truncate': return base.subarray(0, at);
    case 'flip': {
      const b = Buffer.from(base);
      for (let i = 0; i < bytes.length && at + i < b.length; i++) b[at + i] ^= bytes[i];
      return b;
    }
    case 'insert': return Buffer.concat([base.subarray(0, at), Buffer.from(bytes), base.subarray(at)]);
    case 'drop-boundary': return Buffer.from(base.toString('latin1').replace(/boundary="?[^";\s]+"?/gi, ''), 'latin1');
    case 'dup-lines': {
      const lines = base.toString('latin1').split('\n');
      const i = at % Math.max(1, lines.length);
      lines.splice(i, 0, ...Array(50).fill(lines[i] ?? ''));
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 'crlf': return Buffer.from(base.toString('latin1').replace(/\n/g, at % 2 ? '\r\n' : '\r'), 'latin1');
    default: return Buffer.concat([base.subarray(0, at), Buffer.alloc(bytes.length), base.subarray(at)]);
  }
});

export function mutatedBounces(): void {
  fc.assert(fc.property(mutatedDsn, (raw) => assertWellFormed(parseBounce(raw))), { numRuns: 400 });
}

export function randomInput(): void {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)), fc.string({ maxLength: 2000 })), (raw) => assertWellFormed(parseBounce(raw))), { numRuns: 300 });
}

export function binaryGarbage(): void {
  const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) % 256));
  const p = parseBounce(garbage);
  assertWellFormed(p);
  assert.match(p.error ?? '', /not an email/);
}

export function emptyAndWrongType(): void {
  assert.match(parseBounce('').error ?? '', /empty/);
  assert.match(parseBounce(null as unknown as string).error ?? '', /expected the email as a Buffer or a string/);
  assert.match(parseBounce(42 as unknown as string).error ?? '', /got number/);
}

export function nestedMultiparts(): void {
  let raw = 'From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n';
  for (let i = 0; i < 1000; i++) raw += `Content-Type: multipart/mixed; boundary="n${i}"\n\n--n${i}\n`;
  raw += 'Content-Type: text/plain\n\n<jane@example.org>: host mx.example.org said: 550 5.1.1 User unknown\n';
  for (let i = 999; i >= 0; i--) raw += `\n--n${i}--`;
  const p = parseBounce(raw);
  assertWellFormed(p);
  assert.ok(p.notes.some((n) => /nesting deeper than \d+ levels/.test(n)), p.notes.join('; '));
}

export function bigAttachment(): void {
  const head = readFileSync(new URL('../fixtures/dsn/postfix-dsn.eml', import.meta.url), 'latin1')
    .replace(/--4QK1T20bLmz9vD\.1736244902\/mail\.sender\.example--\s*$/, '');
  const attachment = '--4QK1T20bLmz9vD.1736244902/mail.sender.example\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n';
  const big = Buffer.alloc(50 * 1024 * 1024, 'QUJDRA==\n');
  const raw = Buffer.concat([Buffer.from(head + attachment, 'latin1'), big]);
  const p = parseBounce(raw);
  assertWellFormed(p);
  assert.equal(p.error, null);
  assert.equal(p.recipients[0]?.recipient, 'jane.doe@recipient.example');
  assert.ok(p.notes.some((n) => /only the first \d+ of \d+ bytes were read/.test(n)));
}

export function endlessHeader(): void {
  const raw = 'From: x@example.net\n' + 'X-Junk: ' + 'a'.repeat(1_000_000);
  const p = parseBounce(raw);
  assertWellFormed(p);
  assert.ok(p.notes.some((n) => /header block was longer/.test(n)));
}

export function backtrackingLines(): void {
  const evil = [
    'From: MAILER-DAEMON@mx.example.net',
    'Subject: failure notice',
    '',
    '<' + 'a'.repeat(50_000) + '@' + 'b.'.repeat(20_000) + '>:',
    ' '.repeat(100_000) + 'x',
    ('a@' + '.'.repeat(1000)).repeat(50),
    '-'.repeat(200_000),
  ].join('\n');
  assertWellFormed(parseBounce(evil));
}

export function slowHtml(): void {
  // tags that never close ("<p<p<p…", "<!--<!--…"): each must not rescan the rest
  for (const html of ['<script>'.repeat(30_000) + 'x'.repeat(200_000), '<style></style>x'.repeat(30_000), '<' + 'a'.repeat(300_000), '<p'.repeat(120_000), '<td'.repeat(80_000), '<!--'.repeat(60_000), '<br '.repeat(60_000)]) {
    assertWellFormed(parseBounce(`From: MAILER-DAEMON@mx.example.net\nSubject: Undeliverable\nContent-Type: text/html\n\n${html}`));
  }
}

export function repeatedAddressLines(): void {
  // a notice naming one address on 20,000 lines, and one naming 20,000 addresses: the looks
  // around each mention and the de-duplication of addresses must not grow with the square
  const head = 'From: MAILER-DAEMON@mx.example.jp\nTo: sender@example.org\nSubject: Returned mail: User unknown\n\nThe following addresses had errors:\n\n';
  const same = parseBounce(head + 'jane@example.co.jp [User unknown]\n'.repeat(20_000));
  assertWellFormed(same);
  assert.deepEqual(same.recipients.map((r) => [r.recipient, r.reason]), [['jane@example.co.jp', 'userunknown']]);
  const many = parseBounce(head + Array.from({ length: 20_000 }, (_, i) => `u${i}@example.co.jp [User unknown]`).join('\n'));
  assertWellFormed(many);
}
