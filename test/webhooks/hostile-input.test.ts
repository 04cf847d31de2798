import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NORMALIZERS, PROVIDERS } from '../../src/webhooks/index.ts';
import { testsWithDeadlines } from '../support/deadline.ts';

// Whatever body an ESP (or anyone posing as one) sends, each normalizer gives well-formed results
// or a WebhookPayloadError that says what is wrong: never a crash, never a hang. The bodies live in
// hostile-input.cases.ts and run in a worker thread: a case that overruns its deadline fails.

testsWithDeadlines(new URL('./hostile-input.cases.ts', import.meta.url), [
  ['every normalizer turns arbitrary JSON into results or a WebhookPayloadError, never a crash', 'arbitraryJson', 60_000],
  ['every normalizer survives arbitrary values in the fields it reads', 'arbitraryFieldValues', 60_000],
  ['every prefix of every fixture is refused clearly or read, never a crash', 'fixturePrefixes', 60_000],
  ['random bytes, empty bodies and non-JSON are payload errors that say so', 'bytesEmptyAndNonJson', 60_000],
  ['a body over the size limit is refused before it is parsed', 'oversizedBody', 60_000],
  ['deeply nested JSON is a payload error or a result, not a stack overflow', 'deeplyNestedJson', 60_000],
  ['a huge reply text is cut to a bounded length before it is classified', 'hugeReplyText', 60_000],
  ['hostile keys (__proto__, constructor) in a payload neither pollute prototypes nor pass as fields', 'hostileKeys', 60_000],
  ['readPayload keeps every digit of integers beyond 2^53 and leaves strings and fractions alone', 'bigIntegers', 60_000],
]);

test('the normalizer table has one entry per provider', () => {
  assert.deepEqual(Object.keys(NORMALIZERS).sort(), [...PROVIDERS].sort());
});
