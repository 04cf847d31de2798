import { test, after } from 'node:test';
import { caseRunner } from '../support/deadline.ts';

// Whatever string or object reaches the classifier, the answer is a well-formed classification,
// never a throw and never a hang. The bodies live in hostile-input.cases.ts and run in a worker
// thread: a case that overruns its deadline fails and its thread is terminated.

const cases = caseRunner(new URL('./hostile-input.cases.ts', import.meta.url));
after(() => cases.close());

test('every random string gets a well-formed classification', () => cases.run('randomStrings', 60_000));
test('every reply assembled from real fragments gets a well-formed classification', () => cases.run('realFragments', 60_000));
test('mutated real replies (cut, duplicated, spliced) get a well-formed classification', () => cases.run('mutatedReplies', 60_000));
test('random Error objects become well-formed transient outcomes', () => cases.run('randomErrors', 30_000));
test('a 1 MB reply, 10,000 lines, binary bytes and unbalanced brackets are answered without failing', () => cases.run('hugeAndHostileReplies', 30_000));
test('parseReply never throws on non-string garbage passed from untyped callers', () => cases.run('parseReplyGarbage', 10_000));
