import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup, DETAIL_MEANINGS, SUBJECT_MEANINGS, CLASS_MEANINGS } from '../../src/smtp/index.ts';

test('lookup explains each digit of 4.3.2 as the seed page does', () => {
  const e = lookup('4.3.2');
  assert.ok(e);
  assert.equal(e.code, '4.3.2');
  assert.equal(e.class.title, 'Persistent Transient Failure');
  assert.equal(e.subject?.title, 'Mail System Status');
  assert.equal(e.detail?.title, 'System not accepting network messages');
});

test('the registry holds every subject 0–7 and every registered detail through RFC 8689', () => {
  assert.deepEqual(CLASS_MEANINGS.map((c) => c.digit), [2, 4, 5]);
  assert.deepEqual(SUBJECT_MEANINGS.map((s) => s.digit), [0, 1, 2, 3, 4, 5, 6, 7]);
  const codes = new Set(DETAIL_MEANINGS.map((d) => d.code));
  const expected: Record<number, number> = { 0: 0, 1: 10, 2: 4, 3: 6, 4: 7, 5: 6, 6: 10, 7: 30 };
  for (const [subject, last] of Object.entries(expected)) {
    for (let detail = 0; detail <= last; detail++) {
      assert.ok(codes.has(`X.${subject}.${detail}`), `X.${subject}.${detail} missing`);
    }
  }
  for (const d of DETAIL_MEANINGS) {
    assert.ok(d.title.length > 0 && d.description.length > 0, d.code);
    assert.match(d.reference, /RFC \d+|IANA/);
  }
});

test('lookup normalizes leading zeros and answers X.Y.Z with the permanent class', () => {
  assert.equal(lookup('5.01.001')?.code, '5.1.1');
  assert.equal(lookup('X.7.26')?.class.digit, 5);
  assert.equal(lookup('x.7.26')?.detail?.title, 'Multiple authentication checks failed');
});

test('a vendor detail code is known by class and subject, with no registry detail', () => {
  const e = lookup('5.7.708');
  assert.ok(e);
  assert.equal(e.subject?.digit, 7);
  assert.equal(e.detail, null);
});

test('anything that is not an enhanced status code looks up to null', () => {
  for (const x of ['', '4.3', '3.3.2', '4.3.2.1', 'abc', '4.3.2x', '4.1234.1', 'x'.repeat(100)]) {
    assert.equal(lookup(x), null, x);
  }
});
