import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVerp } from '../../src/dsn/index.ts';

test('a VERP return path yields the recipient it encodes', () => {
  assert.equal(parseVerp('bounces+jane=example.org@mail.sender.tld'), 'jane@example.org');
  assert.equal(parseVerp('<bounces+jane.doe=Example.ORG@mail.sender.tld>'), 'jane.doe@example.org');
});

test('a recipient whose own local part holds + or = survives', () => {
  assert.equal(parseVerp('bounces+jane+news=example.org@mail.sender.tld'), 'jane+news@example.org');
  assert.equal(parseVerp('bounces+a=b=example.org@mail.sender.tld'), 'a=b@example.org');
});

test('with a prefix, only addresses under that prefix are read', () => {
  assert.equal(parseVerp('rb-jane=example.org@sender.tld', { prefix: 'rb' }), 'jane@example.org');
  assert.equal(parseVerp('bounces+jane=example.org@sender.tld', { prefix: 'rb' }), null);
});

test('addresses that are not VERP-shaped give null', () => {
  for (const a of ['bounces@sender.tld', 'bounces+nodomain@sender.tld', 'bounces+jane=@sender.tld', 'plain', '', 'bounces+jane=not_a_domain@x.tld']) {
    assert.equal(parseVerp(a), null, a);
  }
});

import { parseBounce } from '../../src/dsn/index.ts';

const notice = (to: string) => [
  'Return-Path: <>',
  `Delivered-To: ${to}`,
  'From: MAILER-DAEMON@gateway.example.net',
  `To: ${to}`,
  'Subject: Undeliverable message',
  '',
  'Your message could not be delivered. Mailbox unavailable.',
  '',
].join('\n');

test('a notice that names no recipient is tied to one by the VERP address it came back to', () => {
  const parsed = parseBounce(notice('bounces+jane=example.org@mail.sender.tld'));
  assert.equal(parsed.verpRecipient, 'jane@example.org');
  assert.equal(parsed.isBounce, true);
  assert.deepEqual(parsed.recipients.map((r) => r.recipient), ['jane@example.org']);
});

test('the VERP prefix option restricts which return paths are read', () => {
  assert.equal(parseBounce(notice('bounces+jane=example.org@mail.sender.tld'), { verpPrefix: 'rb' }).verpRecipient, null);
  assert.equal(parseBounce(notice('rb-jane=example.org@mail.sender.tld'), { verpPrefix: 'rb' }).verpRecipient, 'jane@example.org');
});

test('a bounce delivered to a plain address has no VERP recipient', () => {
  assert.equal(parseBounce(notice('bounces@mail.sender.tld')).verpRecipient, null);
});
