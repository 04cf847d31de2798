import { z } from 'zod';
import { REASONS } from '../classify/types.ts';
import { parseDuration } from './duration.ts';
import { parseIntervals } from './intervals.ts';
import type { Schedule } from './types.ts';

/**
 * The policy file's shape (YAML), validated with zod. Every transform reports its own error at
 * its own key, so a bad file gets a message naming the key and (through the loader) the line.
 * Unknown keys are errors: a typo must not silently fall back to a default.
 */

/**
 * A union that picks its branch by the input's JSON kind, so the user sees the chosen branch's
 * own error ("item 2 is not DURATION") instead of zod's generic "Invalid input" for unions.
 */
type Kind = 'boolean' | 'string' | 'number' | 'array' | 'object' | 'null';
function byKind<T>(branches: Partial<Record<Kind, z.ZodType<T>>>, expected: string) {
  return z.unknown().transform((v, ctx): T => {
    const kind: Kind = v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as Kind);
    const branch = branches[kind];
    if (!branch) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
    const r = branch.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as Array<string | number> });
    return z.NEVER;
  });
}

const durationText = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const duration = byKind<number>({ string: durationText, number: durationText }, 'a duration like "90s", "20m", "7d"');
const positiveDuration = duration.refine((ms) => ms >= 1000, 'must be at least 1s');

// Every key of a backoff object may be left out, as everywhere in a policy file: the built-in
// schedule's values fill in (20m doubling, at most 4h, at least 5m, full jitter), and a longer
// `initial` than 4h raises the cap to it.
const DEFAULT_INITIAL_MS = 20 * 60_000;
const DEFAULT_MAX_MS = 4 * 3_600_000;
const backoff = z.strictObject({
  initial: positiveDuration.optional(),
  factor: z.number().min(1).max(10).default(2),
  max: positiveDuration.optional(),
  min: positiveDuration.optional(),
  jitter: z.enum(['full', 'none']).default('full'),
}).transform((b, ctx): Schedule => {
  const initial = b.initial ?? DEFAULT_INITIAL_MS;
  const max = b.max ?? Math.max(initial, DEFAULT_MAX_MS);
  const min = b.min ?? Math.min(initial, 300_000);
  if (max < initial) ctx.addIssue({ code: 'custom', message: 'max must not be shorter than initial', path: ['max'] });
  if (min > initial) ctx.addIssue({ code: 'custom', message: 'min must not be longer than initial', path: ['min'] });
  return { kind: 'backoff', initial, factor: b.factor, max, min, jitter: b.jitter };
});

const intervalsText = z.string().transform((s, ctx): Schedule => {
  try {
    const intervals = parseIntervals(s);
    return intervals.length === 0 ? { kind: 'none' } : { kind: 'intervals', intervals };
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const intervalsList = z.array(positiveDuration).min(1).max(100)
  .transform((intervals): Schedule => ({ kind: 'intervals', intervals }));

/** `false` or "none": no retry; `true`: the `retry.schedule` default; a string, list or backoff object. */
const retry = byKind<boolean | Schedule>({ boolean: z.boolean(), string: intervalsText, array: intervalsList, object: backoff },
  'false, true, an interval string like "1h,4h,12h,24h", a list of durations, or a backoff object {initial, factor, max, min, jitter}');
const schedule = byKind<Schedule>({ string: intervalsText, array: intervalsList, object: backoff },
  'an interval string like "1h,4h,12h,24h", a list of durations, or a backoff object {initial, factor, max, min, jitter}');

const oneOrMany = <T extends z.ZodType>(item: T, expected: string) => {
  const one = item.transform((v) => [v] as Array<z.output<T>>);
  return byKind<Array<z.output<T>>>({ string: one, number: one, boolean: one, array: z.array(item).min(1) }, `${expected}, or a list of them`);
};

const enhancedPattern = z.string().regex(/^[245](\.(\*|\d{1,3})(\.(\*|\d{1,3}))?)?$|^[245]\.\*$/, 'an enhanced code like "4.3.2", or a prefix like "4.7.*" or "5.*"')
  .refine((p) => !/\*\.\d/.test(p), 'a wildcard may only end the pattern ("4.7.*")');
const basicPattern = z.union([z.number().int().min(200).max(599).transform(String), z.string().regex(/^[245][0-9x][0-9x]$/, 'a basic code like 451, or a pattern like "4xx" or "45x"')]);
const domainPattern = z.string().regex(/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i, 'a domain like "example.com" or "*.example.com"').transform((d) => d.toLowerCase().replace(/\.$/, ''));

const match = z.strictObject({
  enhanced: oneOrMany(enhancedPattern, 'an enhanced code').optional(),
  reason: oneOrMany(z.enum(REASONS, { error: (i) => `unknown reason ${JSON.stringify(i.input)} (one of ${REASONS.join(' ')})` }), 'a reason').optional(),
  basic: oneOrMany(basicPattern, 'a basic code').optional(),
  domain: oneOrMany(domainPattern, 'a domain').optional(),
  class: oneOrMany(z.enum(['success', 'transient', 'permanent', 'none']), 'a class').optional(),
  type: oneOrMany(z.enum(['soft', 'hard', 'block', 'undetermined']), 'a bounce type').optional(),
  retryable: z.boolean().optional(),
  hardbounce: z.boolean().optional(),
});

const rule = z.strictObject({
  id: z.string().min(1).max(100).regex(/^[\w./:@-]+$/, 'letters, digits and ._/:@- only').optional(),
  match: match.default({}),
  // left out: the file's own `retry.schedule`, as `retry: true` (a rule that only changes the
  // limits, or `exhausted`, need not repeat the schedule)
  retry: retry.optional().default(true),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  maxAge: positiveDuration.optional(),
  exhausted: z.enum(['unavailable', 'none']).optional(),
});

const limits = z.strictObject({
  concurrency: z.number().int().min(1).max(1000).optional(),
  initialConcurrency: z.number().int().min(1).max(1000).optional(),
  messagesPerConnection: z.number().int().min(1).max(100_000).optional(),
  messagesPerMinute: z.number().int().min(1).max(10_000_000).nullable().optional(),
}).superRefine((l, ctx) => {
  // only when one entry writes both: an inherited start is capped at the entry's concurrency
  if (l.concurrency !== undefined && l.initialConcurrency !== undefined && l.initialConcurrency > l.concurrency) {
    ctx.addIssue({ code: 'custom', path: ['initialConcurrency'], message: `${l.initialConcurrency} is above this entry's concurrency (${l.concurrency})` });
  }
});

const suspend = z.strictObject({
  after: z.number().int().min(1).max(1000).optional(),
  initial: positiveDuration.optional(),
  factor: z.number().min(1).max(10).optional(),
  max: positiveDuration.optional(),
  probes: z.number().int().min(1).max(100).optional(),
});

const offText = z.string().transform((v, ctx) => {
  if (v.trim().toLowerCase() === 'off') return null;
  const r = positiveDuration.safeParse(v);
  if (r.success) return r.data;
  ctx.addIssue({ code: 'custom', message: `"off" or ${r.error.issues[0]!.message}` });
  return z.NEVER;
});
const delayWarning = byKind<number | null>({ boolean: z.literal(false).transform(() => null), null: z.null(), string: offText, number: positiveDuration },
  '"off" or a duration like "4h"');

export const policyFileSchema = z.strictObject({
  delayWarning: delayWarning.optional(),
  addresses: z.strictObject({ coolOff: duration.optional() }).optional(),
  retry: z.strictObject({
    schedule: schedule.optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    maxAge: positiveDuration.optional(),
  }).optional(),
  rules: z.array(rule).max(1000).optional(),
  destinations: z.strictObject({
    default: limits.optional(),
    suspend: suspend.optional(),
    domains: z.record(domainPattern, limits).optional(),
  }).optional(),
});

export type PolicyFile = z.output<typeof policyFileSchema>;
export type PolicyFileInput = z.input<typeof policyFileSchema>;
export type RuleInput = z.output<typeof rule>;
