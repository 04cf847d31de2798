import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { verifyBasicAuth, verifyToken } from '../../src/webhooks/index.ts';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const creds = [{ username: 'postmark', password: 's3cret-pass:with-colon' }];
const failure = (r: ReturnType<typeof verifyToken>) => (r.ok ? null : r.failure);

test('basic auth with the configured username and password is accepted (a colon in the password is fine)', () => {
  assert.deepEqual(verifyBasicAuth(basic('postmark', 's3cret-pass:with-colon'), creds), { ok: true });
});

test('a wrong password, a wrong user, a missing header and a non-Basic scheme are refused', () => {
  assert.equal(failure(verifyBasicAuth(basic('postmark', 'wrong'), creds)), 'bad-signature');
  assert.equal(failure(verifyBasicAuth(basic('someone', 's3cret-pass:with-colon'), creds)), 'bad-signature');
  assert.equal(failure(verifyBasicAuth(undefined, creds)), 'missing');
  assert.equal(failure(verifyBasicAuth('Bearer abc', creds)), 'malformed');
  assert.equal(failure(verifyBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`, creds)), 'malformed');
});

test('with no credentials configured nothing is accepted', () => {
  assert.equal(failure(verifyBasicAuth(basic('a', 'b'), [])), 'missing');
  assert.equal(failure(verifyToken('anything', [])), 'missing');
});

test('a token matches any of the configured tokens, so a rotation keeps old and new at once', () => {
  assert.ok(verifyToken('new-token', ['old-token', 'new-token']).ok);
  assert.ok(verifyToken('old-token', ['old-token', 'new-token']).ok);
  assert.equal(failure(verifyToken('new-token-', ['old-token', 'new-token'])), 'bad-signature');
  assert.equal(failure(verifyToken('', ['t'])), 'missing');
});

test('arbitrary headers never make the checks throw or pass', () => {
  fc.assert(fc.property(fc.string(), (h) => {
    assert.equal(verifyBasicAuth(h, creds).ok, h === basic('postmark', 's3cret-pass:with-colon'));
    assert.equal(verifyToken(h, ['a-long-configured-token']).ok, h === 'a-long-configured-token');
  }), { numRuns: 500 });
});
