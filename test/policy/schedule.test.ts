import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { retryDelay, scheduleVector, seededRandom, mayRetry } from '../../src/policy/schedule.ts';
import { parseIntervals, IntervalSyntaxError } from '../../src/policy/intervals.ts';
import { defaultPolicy } from '../../src/policy/compile-policy.ts';
import { loadPolicyText } from '../../src/policy/load-policy.ts';
import type { PolicyRule, Schedule } from '../../src/policy/types.ts';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

function rule(schedule: Schedule, maxAttempts: number, maxAge = 30 * D): PolicyRule {
  return { id: 't', origin: 'test', match: {}, schedule, maxAttempts, maxAge, exhausted: 'unavailable' };
}
const never = () => { throw new Error('a schedule without jitter must not draw random numbers'); };

test('the built-in 4.3.2 rule waits 1h, 4h, 12h and 24h: four retries, five attempts', () => {
  const seed = defaultPolicy().rules.find((r) => r.id === 'seed/4.3.2')!;
  assert.deepEqual(scheduleVector(seed, never), [1 * H, 4 * H, 12 * H, 24 * H]);
  assert.equal(seed.maxAttempts, 5);
  assert.equal(mayRetry(seed, 4), true);
  assert.equal(mayRetry(seed, 5), false);
});

test('backoff without jitter doubles from the initial wait and stops growing at max', () => {
  const s: Schedule = { kind: 'backoff', initial: 20 * M, factor: 2, max: 4 * H, min: 5 * M, jitter: 'none' };
  assert.deepEqual(scheduleVector(rule(s, 8), never), [20 * M, 40 * M, 80 * M, 160 * M, 4 * H, 4 * H, 4 * H]);
});

test('full jitter spans [min, ceiling]: a zero draw waits min, a draw near one waits the ceiling', () => {
  const s: Schedule = { kind: 'backoff', initial: 20 * M, factor: 2, max: 4 * H, min: 5 * M, jitter: 'full' };
  assert.deepEqual(scheduleVector(rule(s, 5), () => 0), [5 * M, 5 * M, 5 * M, 5 * M]);
  assert.deepEqual(scheduleVector(rule(s, 5), () => 0.5), [12.5 * M, 22.5 * M, 42.5 * M, 82.5 * M]);
  const high = scheduleVector(rule(s, 5), () => 1 - Number.EPSILON);
  assert.deepEqual(high.map((ms) => Math.round(ms / M)), [20, 40, 80, 160]);
});

test('the same seed gives the same jittered schedule, so tests and `policy schedule` are exact', () => {
  const s = defaultPolicy().rules.find((r) => r.id === 'default/retryable')!;
  assert.deepEqual(scheduleVector(s, seededRandom(42)), scheduleVector(s, seededRandom(42)));
  assert.notDeepEqual(scheduleVector(s, seededRandom(42)), scheduleVector(s, seededRandom(43)));
});

test('a random source that returns nonsense is clamped, never producing a negative or endless wait', () => {
  const s: Schedule = { kind: 'backoff', initial: 20 * M, factor: 2, max: 4 * H, min: 5 * M, jitter: 'full' };
  for (const bad of [NaN, -1, 7, Infinity]) {
    const d = retryDelay(s, 1, () => bad)!;
    assert.ok(d >= 5 * M && d <= 20 * M, `draw ${bad} gave ${d}`);
  }
});

test('the maximum age cuts the schedule short', () => {
  const seed = rule({ kind: 'intervals', intervals: [1 * H, 4 * H, 12 * H, 24 * H] }, 5, 20 * H);
  assert.deepEqual(scheduleVector(seed, never), [1 * H, 4 * H, 12 * H]);
});

test('an interval list shorter than maxAttempts repeats its last wait', () => {
  assert.deepEqual(scheduleVector(rule({ kind: 'intervals', intervals: [5 * M, 1 * H] }, 5), never), [5 * M, 1 * H, 1 * H, 1 * H]);
});

test('no retry schedule gives an empty vector', () => {
  assert.deepEqual(scheduleVector(rule({ kind: 'none' }, 1), never), []);
  assert.equal(retryDelay({ kind: 'none' }, 1, never), null);
});

test('attempt numbers start at one', () => {
  assert.throws(() => retryDelay({ kind: 'none' }, 0, never), RangeError);
});

test("Haraka's interval syntax: commas separate, *N repeats", () => {
  assert.deepEqual(parseIntervals('1h,4h,12h,24h'), [1 * H, 4 * H, 12 * H, 24 * H]);
  assert.deepEqual(parseIntervals('1m, 5m*2, 1h*3'), [M, 5 * M, 5 * M, H, H, H]);
  assert.deepEqual(parseIntervals('5m*2'), [5 * M, 5 * M]);
  assert.deepEqual(parseIntervals('none'), []);
  assert.deepEqual(parseIntervals('1h30m,2d,1w'), [90 * M, 2 * D, 7 * D]);
});

test('a malformed interval string is an error naming the bad item, never a silent default', () => {
  for (const bad of ['', '1h,,4h', '5x', '5m*0', '5m*', '*2', 'h', '1h;4h', '500ms', '1h*101']) {
    assert.throws(() => parseIntervals(bad), IntervalSyntaxError, `accepted ${JSON.stringify(bad)}`);
  }
  assert.throws(() => parseIntervals('1h,oops'), /item 2|"oops"/);
});

test('the interval parser only ever returns positive waits or throws IntervalSyntaxError, on any input', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[0-9hmsdw*, .]{0,40}$/)), (s) => {
    try {
      const out = parseIntervals(s);
      assert.ok(out.length <= 100 && out.every((ms) => Number.isFinite(ms) && ms >= 1000));
    } catch (err) {
      assert.ok(err instanceof IntervalSyntaxError, String(err));
    }
  }), { numRuns: 2000 });
});

test('a huge interval string is refused quickly', () => {
  assert.throws(() => parseIntervals('1h,'.repeat(1_000_000)), IntervalSyntaxError);
});

test('a policy file can set its own schedule and the vector follows it exactly', () => {
  const p = loadPolicyText('rules:\n  - id: greylist\n    match: { enhanced: "4.7.*" }\n    retry: "5m,10m,30m"\n');
  assert.deepEqual(scheduleVector(p.rules[0]!, never), [5 * M, 10 * M, 30 * M]);
  assert.equal(p.rules[0]!.maxAttempts, 4);
});
