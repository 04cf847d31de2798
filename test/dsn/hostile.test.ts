import { testsWithDeadlines } from '../support/deadline.ts';

// Every input, however broken, comes back from parseBounce as a well-formed result: never a throw,
// never a hang. The bodies live in hostile.cases.ts and run in a worker thread; each deadline is
// the bound (a case that overruns it fails, its thread is terminated). Speed itself is measured in
// bench/dsn.bench.ts, not here.

testsWithDeadlines(new URL('./hostile.cases.ts', import.meta.url), [
  ['mutated bounces (truncated, flipped bytes, lost boundaries, odd newlines) always give a well-formed result', 'mutatedBounces', 120_000],
  ['random bytes and random text always give a well-formed result', 'randomInput', 60_000],
  ['binary garbage is refused with a clear error', 'binaryGarbage', 10_000],
  ['an empty input and a wrong type are errors, not exceptions', 'emptyAndWrongType', 10_000],
  ['1,000 nested multiparts are read to the depth cap and no further', 'nestedMultiparts', 30_000],
  ['a bounce with a 50 MB attachment is read from its start: the report is found, the rest skipped', 'bigAttachment', 30_000],
  ['a header block of a million bytes with no end is cut, not followed', 'endlessHeader', 30_000],
  ['lines built to make regular expressions backtrack are read in bounded time', 'backtrackingLines', 30_000],
  ['a notice repeating one address on 20,000 lines, or naming 20,000 addresses, is read in bounded time', 'repeatedAddressLines', 10_000],
  ['HTML built to be slow (thousands of unclosed or empty script and style elements, tags and comments that never close) is read in bounded time', 'slowHtml', 10_000],
]);
