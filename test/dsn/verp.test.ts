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

test('verpAddress writes what parseVerp reads back, and declines what it could not carry', async () => {
  const { verpAddress } = await import('../../src/dsn/verp.ts');
  const fc = (await import('fast-check')).default;
  assert.equal(verpAddress('jane@example.org', 'rp.sender.tld'), 'bounces+jane=example.org@rp.sender.tld');
  assert.equal(verpAddress('a+b=c@example.org', 'rp.sender.tld', 'bb'), 'bb+a+b=c=example.org@rp.sender.tld');
  assert.equal(parseVerp('bb+a+b=c=example.org@rp.sender.tld', { prefix: 'bb' }), 'a+b=c@example.org');
  assert.equal(verpAddress(`${'x'.repeat(60)}@example.org`, 'rp.sender.tld'), null, 'over 64 octets');
  assert.equal(verpAddress('"quoted local"@example.org', 'rp.sender.tld'), null);
  assert.equal(verpAddress('anna@bücher.example', 'rp.sender.tld'), null);
  const local = fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,20}$/);
  const domain = fc.stringMatching(/^[a-z0-9]{1,10}\.(?:example|test|org)$/);
  fc.assert(fc.property(local, domain, (l, d) => {
    const address = verpAddress(`${l}@${d}`, 'rp.sender.tld');
    if (address !== null) assert.equal(parseVerp(address, { prefix: 'bounces' }), `${l}@${d}`);
  }));
});
