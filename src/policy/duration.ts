/**
 * Durations in the policy file: "90s", "20m", "1h30m", "5d", "1w", or a number of milliseconds.
 * A malformed one is an error naming the input, never a silent default.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

export class DurationSyntaxError extends Error {
  override name = 'DurationSyntaxError';
}

export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationSyntaxError(`a duration must be a non-negative number of ms, got ${input}`);
    return Math.round(input);
  }
  const text = input.trim().toLowerCase();
  if (text.length === 0 || text.length > 64) throw new DurationSyntaxError(`not a duration: ${JSON.stringify(input.slice(0, 80))}`);
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) throw new DurationSyntaxError(`not a duration: ${JSON.stringify(input)} (use e.g. "90s", "20m", "1h30m", "5d")`);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return Math.round(total);
}

/** "1d17h" style, for tables and messages. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
