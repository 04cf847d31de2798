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
