import { test, after } from 'node:test';
import { caseRunner } from '../support/deadline.ts';

// Every input, however broken, comes back from parseBounce as a well-formed result: never a throw,
// never a hang. The bodies live in hostile.cases.ts and run in a worker thread; each deadline is
// the bound (a case that overruns it fails, its thread is terminated). Speed itself is measured in
// bench/dsn.bench.ts, not here.

const cases = caseRunner(new URL('./hostile.cases.ts', import.meta.url));
after(() => cases.close());

test('mutated bounces (truncated, flipped bytes, lost boundaries, odd newlines) always give a well-formed result', () => cases.run('mutatedBounces', 120_000));
test('random bytes and random text always give a well-formed result', () => cases.run('randomInput', 60_000));
test('binary garbage is refused with a clear error', () => cases.run('binaryGarbage', 10_000));
test('an empty input and a wrong type are errors, not exceptions', () => cases.run('emptyAndWrongType', 10_000));
test('1,000 nested multiparts are read to the depth cap and no further', () => cases.run('nestedMultiparts', 30_000));
test('a bounce with a 50 MB attachment is read from its start: the report is found, the rest skipped', () => cases.run('bigAttachment', 30_000));
test('a header block of a million bytes with no end is cut, not followed', () => cases.run('endlessHeader', 30_000));
test('lines built to make regular expressions backtrack are read in bounded time', () => cases.run('backtrackingLines', 30_000));
test('HTML built to be slow (thousands of unclosed or empty script and style elements) is read in bounded time', () => cases.run('slowHtml', 30_000));
