import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanAddress, findAddresses } from '../../src/dsn/address.ts';

test('a typed DSN address is taken whole: quoted local parts, UTF-8, \\x{HHHH} escapes, address literals', () => {
  assert.equal(cleanAddress('rfc822; <Jane@Example.ORG>'), 'Jane@example.org');
  assert.equal(cleanAddress('rfc822; "jane doe"@Example.org'), '"jane doe"@example.org');
  assert.equal(cleanAddress('rfc822; "jane@home"@example.org'), '"jane@home"@example.org');
  assert.equal(cleanAddress('utf-8; j\\x{00F6}rg@example.org'), 'jörg@example.org');
  assert.equal(cleanAddress('utf-8; 用户@例子.example'), '用户@例子.example');
  assert.equal(cleanAddress('rfc822; jane@bücher.example'), 'jane@bücher.example');
  assert.equal(cleanAddress('rfc822; <jane@[192.0.2.1]>'), 'jane@[192.0.2.1]');
  // stray punctuation around an unquoted address goes, as it always did
  assert.equal(cleanAddress("rfc822; 'jane@example.org'"), 'jane@example.org');
  assert.equal(cleanAddress('rfc822; jane@example.org.'), 'jane@example.org');
  assert.equal(cleanAddress('rfc822;jane@example.org (comment)'), 'jane@example.org');
});

test('a typed field with no Internet address, or an escape that is not a character, gives no made-up address', () => {
  assert.equal(cleanAddress('x400; /C=US/ADMD=Example/S=Doe/'), null);
  assert.equal(cleanAddress('unknown; nair_s'), null);
  assert.equal(cleanAddress('utf-8; a\\x{D800}b@example.org'), null);
  assert.equal(cleanAddress('rfc822; jane@localhost'), null);
});

test('free text is scanned for ASCII addresses only, so words written against an address stay out of it', () => {
  assert.deepEqual(findAddresses('宛先kijitora@example.jpは存在しません'), ['kijitora@example.jp']);
  assert.deepEqual(findAddresses('<jane@example.org>: host said: 550 <bob@example.net>'), ['jane@example.org', 'bob@example.net']);
});
