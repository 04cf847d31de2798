import type { PolicyRule, Schedule } from './types.ts';

/** A source of uniform numbers in [0, 1): Math.random in service, a fixed sequence in tests. */
export type RandomSource = () => number;

/**
 * The wait before the next attempt after attempt `failed` (1-based) failed, or null when the
 * schedule has no retry left. Pure: same inputs, same answer.
 */
export function retryDelay(schedule: Schedule, failed: number, random: RandomSource): number | null {
  if (failed < 1) throw new RangeError(`attempt numbers start at 1, got ${failed}`);
  switch (schedule.kind) {
    case 'none':
      return null;
    case 'intervals': {
      const list = schedule.intervals;
      if (list.length === 0) return null;
      // Past the end of the list the last wait repeats, when maxAttempts asks for more tries.
      return list[Math.min(failed, list.length) - 1]!;
    }
    case 'backoff': {
      const ceiling = Math.max(schedule.min, Math.min(schedule.max, schedule.initial * schedule.factor ** (failed - 1)));
      if (schedule.jitter === 'none') return Math.round(ceiling);
      const r = random();
      const u = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
      return Math.round(schedule.min + u * (ceiling - schedule.min));
    }
  }
}

/** Whether a delivery that just made attempt `failed` may be tried again under `rule`. */
export function mayRetry(rule: PolicyRule, failed: number): boolean {
  return rule.schedule.kind !== 'none' && failed < rule.maxAttempts;
}

/**
 * The whole schedule as a vector of waits: element k is the wait after attempt k+1 fails, until
 * the attempts or the maximum age run out. Used by `rebound policy schedule` and the tests.
 */
export function scheduleVector(rule: PolicyRule, random: RandomSource): number[] {
  const out: number[] = [];
  let elapsed = 0;
  for (let failed = 1; mayRetry(rule, failed); failed++) {
    const delay = retryDelay(rule.schedule, failed, random);
    if (delay === null || elapsed + delay > rule.maxAge) break;
    elapsed += delay;
    out.push(delay);
  }
  return out;
}

/** Deterministic numbers for tests and `policy schedule`: mulberry32 from a seed. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
