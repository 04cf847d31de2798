import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBounce } from '../../src/dsn/index.ts';
import { createClassifier } from '../../src/classify/index.ts';
import { report } from './helpers.ts';

// The promise: "a DSN and a live SMTP reply give the same answer for the same words".
// Every permanent reply in the fixture set, quoted as the Diagnostic-Code of a failure report whose
// Status is the reply's own code, must come out with the reason and hardbounce the live classifier
// gives it (neither side told the SMTP step).
const replies = readFileSync(new URL('../fixtures/replies.jsonl', import.meta.url), 'utf8').trim().split('\n')
  .map((line) => (JSON.parse(line) as { reply: string }).reply)
  .filter((reply) => !/[\r\n]/.test(reply));

test('every permanent fixture reply reads the same in a failure report as it does live', () => {
  const classifier = createClassifier();
  const differ: string[] = [];
  let compared = 0;
  for (const reply of replies) {
    const live = classifier.classify(reply);
    if (live.class !== 'permanent') continue;
    compared++;
    const r = parseBounce(report('failed', live.enhanced ?? '5.0.0', reply)).recipients[0];
    if (!r || r.reason !== live.reason || r.hardbounce !== live.hardbounce) differ.push(`${reply} -> live ${live.reason}/${live.hardbounce}, dsn ${r?.reason}/${r?.hardbounce}`);
  }
  assert.ok(compared > 300, `only ${compared} permanent replies compared`);
  assert.deepEqual(differ, []);
});
