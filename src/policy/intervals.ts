import { parseDuration, DurationSyntaxError } from './duration.ts';

/**
 * Haraka's retry-interval syntax: comma-separated durations, each optionally repeated with
 * `*N` — "1h,4h,12h,24h" is four retries, "1m,5m*2,1h*3" is 1m, 5m, 5m, 1h, 1h, 1h. "none" is no
 * retry. A syntax error is thrown (the policy refuses to load), never replaced by a default.
 */
export class IntervalSyntaxError extends Error {
  override name = 'IntervalSyntaxError';
}

const MAX_INTERVALS = 100;

export function parseIntervals(input: string): number[] {
  const text = input.trim();
  if (text === '') throw new IntervalSyntaxError('an empty retry schedule (write "none" for no retry)');
  if (text.length > 1000) throw new IntervalSyntaxError('a retry schedule longer than 1000 characters');
  if (text.toLowerCase() === 'none') return [];
  const out: number[] = [];
  for (const [i, raw] of text.split(',').entries()) {
    const part = raw.trim();
    const m = /^([^*]+?)\s*(?:\*\s*(\d+))?$/.exec(part);
    if (!part || !m) throw new IntervalSyntaxError(`retry schedule ${JSON.stringify(input)}: item ${i + 1} (${JSON.stringify(part)}) is not DURATION or DURATION*N`);
    let ms: number;
    try {
      ms = parseDuration(m[1]!);
    } catch (err) {
      if (err instanceof DurationSyntaxError) throw new IntervalSyntaxError(`retry schedule ${JSON.stringify(input)}: ${err.message}`, { cause: err });
      throw err;
    }
    if (ms < 1000) throw new IntervalSyntaxError(`retry schedule ${JSON.stringify(input)}: item ${i + 1} is shorter than 1s`);
    const times = m[2] === undefined ? 1 : Number(m[2]);
    if (times < 1) throw new IntervalSyntaxError(`retry schedule ${JSON.stringify(input)}: item ${i + 1} repeats ${times} times`);
    if (out.length + times > MAX_INTERVALS) throw new IntervalSyntaxError(`retry schedule ${JSON.stringify(input)} has more than ${MAX_INTERVALS} retries`);
    for (let k = 0; k < times; k++) out.push(ms);
  }
  return out;
}
