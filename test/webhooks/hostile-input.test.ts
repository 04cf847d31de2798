import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { NORMALIZERS, PROVIDERS } from '../../src/webhooks/index.ts';
import { caseRunner } from '../support/deadline.ts';

// Whatever body an ESP (or anyone posing as one) sends, each normalizer gives well-formed results
// or a WebhookPayloadError that says what is wrong: never a crash, never a hang. The bodies live in
// hostile-input.cases.ts and run in a worker thread: a case that overruns its deadline fails.

const cases = caseRunner(new URL('./hostile-input.cases.ts', import.meta.url));
after(() => cases.close());

test('every normalizer turns arbitrary JSON into results or a WebhookPayloadError, never a crash', () => cases.run('arbitraryJson', 60_000));
test('every normalizer survives arbitrary values in the fields it reads', () => cases.run('arbitraryFieldValues', 60_000));
test('every prefix of every fixture is refused clearly or read, never a crash', () => cases.run('fixturePrefixes', 60_000));
test('random bytes, empty bodies and non-JSON are payload errors that say so', () => cases.run('bytesEmptyAndNonJson', 60_000));
test('a body over the size limit is refused before it is parsed', () => cases.run('oversizedBody', 60_000));
test('deeply nested JSON is a payload error or a result, not a stack overflow', () => cases.run('deeplyNestedJson', 60_000));
test('a huge reply text is cut to a bounded length before it is classified', () => cases.run('hugeReplyText', 60_000));
test('hostile keys (__proto__, constructor) in a payload neither pollute prototypes nor pass as fields', () => cases.run('hostileKeys', 60_000));
test('readPayload keeps every digit of integers beyond 2^53 and leaves strings and fractions alone', () => cases.run('bigIntegers', 60_000));

test('the normalizer table has one entry per provider', () => {
  assert.deepEqual(Object.keys(NORMALIZERS).sort(), [...PROVIDERS].sort());
});
