import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptId, attemptKeyRange, newId, ownAttemptId } from '../../src/engine/ids.ts';

test('ids made in the same millisecond are distinct and sort in the order they were made', () => {
  const ids = Array.from({ length: 100_000 }, () => newId('dlv', 1_700_000_000_000));
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} before ${ids[i]}`);
});

test('ids sort by time first, whatever their random part', () => {
  for (let i = 0; i < 1000; i++) {
    const a = newId('msg', 1_700_000_000_000 + i * 7);
    const b = newId('msg', 1_700_000_000_000 + i * 7 + 1);
    assert.ok(a < b, `${a} before ${b}`);
  }
  assert.match(newId('dlv', 0), /^dlv_0{10}[0-9a-hjkmnp-tv-z]{10}$/);
});

test('a new millisecond draws a new random part rather than counting on', () => {
  const starts = new Set(Array.from({ length: 50 }, (_, i) => newId('x', 1_800_000_000_000 + i).slice(-10)));
  assert.ok(starts.size > 45, 'random parts repeat across milliseconds');
});

test('every attempt id sits in its delivery key range, and only its own', () => {
  const d = newId('dlv', 1_700_000_000_000);
  const other = newId('dlv', 1_700_000_000_000);
  const { from, to } = attemptKeyRange(d);
  for (const id of [attemptId(d, 1), attemptId(d, 12), ownAttemptId(d, 'dsn:abc'), ownAttemptId(d, attemptId(d, 3))]) assert.ok(id > from && id < to, id);
  assert.equal(ownAttemptId(d, attemptId(d, 3)), attemptId(d, 3));
  assert.ok(!(attemptId(other, 1) > from && attemptId(other, 1) < to));
});
