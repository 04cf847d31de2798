import { testsWithDeadlines } from '../support/deadline.ts';

// Whatever string or object reaches the classifier, the answer is a well-formed classification,
// never a throw and never a hang. The bodies live in hostile-input.cases.ts and run in a worker
// thread: a case that overruns its deadline fails and its thread is terminated.

testsWithDeadlines(new URL('./hostile-input.cases.ts', import.meta.url), [
  ['every random string gets a well-formed classification', 'randomStrings', 60_000],
  ['every reply assembled from real fragments gets a well-formed classification', 'realFragments', 60_000],
  ['mutated real replies (cut, duplicated, spliced) get a well-formed classification', 'mutatedReplies', 60_000],
  ['random Error objects become well-formed transient outcomes', 'randomErrors', 30_000],
  ['a 1 MB reply, 10,000 lines, binary bytes and unbalanced brackets are answered without failing', 'hugeAndHostileReplies', 30_000],
  ['parseReply never throws on non-string garbage passed from untyped callers', 'parseReplyGarbage', 10_000],
]);
