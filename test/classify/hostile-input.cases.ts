import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classify, REASONS } from '../../src/classify/index.ts';
import { parseReply, MAX_TEXT } from '../../src/smtp/index.ts';
import type { Classification } from '../../src/classify/index.ts';

// The bodies of hostile-input.test.ts, run in a worker thread under a deadline (test/support/deadline.ts).

const TYPES = ['soft', 'hard', 'block', 'undetermined'];
const ACTIONS = ['retry', 'suppress', 'fix-sender', 'none'];
const CLASSES = ['success', 'transient', 'permanent', null];

function assertWellFormed(c: Classification): void {
  assert.ok(c.basic === null || (Number.isInteger(c.basic) && c.basic >= 200 && c.basic <= 599), `basic ${c.basic}`);
  assert.ok(c.enhanced === null || /^[245]\.\d{1,3}\.\d{1,3}$/.test(c.enhanced), `enhanced ${c.enhanced}`);
  assert.ok(CLASSES.includes(c.class));
  assert.ok(TYPES.includes(c.type));
  assert.ok(ACTIONS.includes(c.action));
  assert.ok((REASONS as readonly string[]).includes(c.reason));
  assert.equal(typeof c.hardbounce, 'boolean');
  assert.equal(c.retryable, c.action === 'retry');
  assert.ok(c.recipient === null || (typeof c.recipient === 'string' && c.recipient.includes('@')));
  assert.ok(typeof c.rule === 'string' && c.rule.length > 0);
  assert.ok(c.text.length <= MAX_TEXT);
}

// Pieces real replies are made of, so mutations land near the parser's edges.
const pieces = fc.constantFrom(
  '550', '451', '421', '250', '5.1.1', '4.3.2', '#5.7.1', '(4.2.2)', '5.7.708', 'smtp;', 'Diagnostic-Code:',
  '550-', '\r\n', '\n', '\r', ' ', '<', '>', '<jane@example.org>', 'to=<', '@', ':', ';', '(', ')', '[', ']',
  'user unknown', 'mailbox full', 'blocked using', 'rate limit', 'greylisted', 'in reply to RCPT TO command',
  'said:', '192.0.2.1', '5.1.1.1', '\u0000', '\u00ff', '\ud800', 'ß', 'Ünbekannt', '0'.repeat(40),
);
const replyLike = fc.array(pieces, { maxLength: 40 }).map((xs) => xs.join(''));

export function randomStrings(): void {
  fc.assert(fc.property(fc.string({ maxLength: 600, unit: 'binary' }), (s) => assertWellFormed(classify(s))), { numRuns: 3000 });
}

export function realFragments(): void {
  fc.assert(fc.property(replyLike, (s) => assertWellFormed(classify(s))), { numRuns: 5000 });
}

export function mutatedReplies(): void {
  const base = '550-5.1.1 <jane@example.org>: The email account that you tried to reach does not exist.\r\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser';
  fc.assert(fc.property(fc.nat(base.length), fc.nat(base.length), fc.string({ maxLength: 20 }), (a, b, junk) => {
    const cut = base.slice(0, a) + junk + base.slice(b);
    assertWellFormed(classify(cut));
    assertWellFormed(classify(cut.repeat(3)));
  }), { numRuns: 3000 });
}

export function randomErrors(): void {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.option(fc.string({ maxLength: 30 })), (msg, code) => {
    const err = Object.assign(new Error(msg), code === null ? {} : { code });
    const c = classify(err);
    assertWellFormed(c);
    assert.equal(c.class, 'transient');
  }), { numRuns: 1000 });
}

// Bounds are structural (capped input, linear regexes); these inputs once were the classic
// catastrophic-backtracking and quadratic cases. Each must still be answered, and fully.
export function hugeAndHostileReplies(): void {
  const huge = '550 5.1.1 ' + 'a'.repeat(1 << 20);
  assertWellFormed(classify(huge));
  const manyLines = Array.from({ length: 10_000 }, (_, i) => `550-5.1.1 line ${i} user unknown`).join('\r\n') + '\r\n550 5.1.1 end';
  const c = classify(manyLines);
  assertWellFormed(c);
  assert.equal(c.reason, 'userunknown');
  const binary = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
  assertWellFormed(classify(binary));
  assertWellFormed(classify('<'.repeat(100_000) + '@' + '>'.repeat(100_000)));
  assertWellFormed(classify('(#'.repeat(50_000) + '5.1.1'));
  assertWellFormed(classify('5.'.repeat(100_000)));
  assertWellFormed(classify(' said: 550'.repeat(20_000)));
  assertWellFormed(classify('to=<' + 'x'.repeat(300_000)));
}

export function parseReplyGarbage(): void {
  for (const x of [null, undefined, 42, {}, [], Symbol.iterator.toString()]) {
    const r = parseReply(x as unknown as string);
    assert.equal(typeof r.text, 'string');
  }
}
