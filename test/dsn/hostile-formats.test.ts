import { test, after } from 'node:test';
import { caseRunner } from '../support/deadline.ts';
import { CASES } from './hostile-formats.cases.ts';

// Each format's reader, fed lines built to make regular expressions backtrack (hostile-formats.cases.ts
// says which), runs in a worker thread: a reader that backtracks for minutes fails its test at the
// deadline instead of holding the suite.

const cases = caseRunner(new URL('./hostile-formats.cases.ts', import.meta.url));
after(() => cases.close());

CASES.forEach(([, , , name], index) => {
  test(`the ${name} reader stays linear on lines built to backtrack`, () => cases.run('readerStaysLinear', 20_000, index));
});
