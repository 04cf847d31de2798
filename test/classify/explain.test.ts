import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultClassifier } from '../../src/classify/index.ts';
import { explain, SEED_432_SCHEDULE, OTHER_TRANSIENT_SCHEDULE } from '../../src/classify/explain.ts';
import { REASON_GUIDE } from '../../src/classify/reason-guide.ts';
import { REASONS } from '../../src/classify/types.ts';

test('explaining 4.3.2 gives the seed page: digits, soft bounce, Technical, the 1h/4h/12h/24h schedule', () => {
  const e = explain(defaultClassifier(), '4.3.2');
  assert.deepEqual(e.digits.map((d) => d.value), ['4', '3', '2']);
  assert.equal(e.title, 'System not accepting network messages');
  assert.match(e.bounceType, /^Soft bounce/);
  assert.equal(e.category, 'Technical');
  assert.equal(e.retry.retry, true);
  assert.equal(e.retry.schedule, SEED_432_SCHEDULE);
  assert.ok(e.causes.includes('Server maintenance'));
});

test('other transient codes get exponential backoff; permanent ones say why not to retry', () => {
  assert.equal(explain(defaultClassifier(), '452 4.2.2 Mailbox full').retry.schedule, OTHER_TRANSIENT_SCHEDULE);
  const hard = explain(defaultClassifier(), '550 5.1.1 <jane@example.org>: User unknown');
  assert.equal(hard.retry.retry, false);
  assert.match(hard.retry.schedule, /suppress/);
  const block = explain(defaultClassifier(), '550 5.7.26 Multiple authentication checks failed');
  assert.match(block.retry.schedule, /fix the cause/);
});

test('a vendor code is explained with an honest "not in the registry" detail', () => {
  const e = explain(defaultClassifier(), '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.');
  assert.equal(e.title, null);
  assert.match(e.digits[2].title, /Not in the IANA registry/);
});

test('every reason has a guide with a category, a summary and something to do', () => {
  for (const r of REASONS) {
    const g = REASON_GUIDE[r];
    assert.ok(g, r);
    assert.ok(g.summary.length > 0 && g.whatToDo.length > 0, r);
  }
});
