import { z } from 'zod';
import { REASONS } from './types.ts';
import type { Reason } from './types.ts';
import type { ReplyClass, SmtpPhase } from '../smtp/types.ts';

/**
 * One classification rule as written in a rule file (YAML or JSON). Every condition given must
 * hold; the first rule (in file order, files in stage order) whose conditions hold decides the
 * reason. See docs/classification.md for the format.
 */
export interface RuleSpec {
  id: string;
  reason: Reason;
  /** Any of these phrases in the reply text (case-insensitive, whitespace-folded substrings). */
  text?: string[];
  /** A regular expression (case-insensitive) the reply text must match; with `text`, tested only after a phrase hit. */
  pattern?: string;
  /** Enhanced codes: "5.7.1", "X.7.1" (either failure class), "5.7.*", "4.*.*". */
  enhanced?: string[];
  /** Basic codes: 550, or "55x" / "5xx". */
  basic?: Array<number | string>;
  class?: ReplyClass;
  phase?: SmtpPhase[];
  /**
   * The reply is greylisting: a first attempt from an unknown sender refused for a while. Counted
   * as a deferral like any other, but it says nothing about the destination's health, so it opens
   * no incident in the metrics.
   */
  greylisting?: boolean;
  /** User files only: drop the shipped rule with this id. */
  disabled?: boolean;
  /** Where the rule came from ("provider-texts", "user"), filled in by the loader. */
  stage?: string;
}

const PHASES = ['connect', 'greeting', 'ehlo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'message', 'quit'] as const;
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const ENHANCED_PATTERN = /^([245X])\.(\d{1,3}|\*)\.(\d{1,3}|\*)$/;
const BASIC_PATTERN = /^[245](?:\d\d|\dx|xx)$/;

const ruleShape = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._/-]{0,119}$/, 'an id is lower-case letters, digits and . _ / - (at most 120)'),
  // optional only so that a user rule can disable a shipped one by id; required otherwise (below)
  reason: z.enum(REASONS, { error: (i) => `unknown reason ${JSON.stringify(i.input)} (expected one of: ${REASONS.join(', ')})` }).optional(),
  text: oneOrMany(z.string().min(3, 'a phrase of fewer than 3 characters would match almost anything').max(200)
    .refine((s) => ![...s].some((c) => c.codePointAt(0)! > 0xffff), 'phrases must not contain characters outside the Basic Multilingual Plane')).optional(),
  pattern: z.string().min(1).max(500).optional(),
  enhanced: oneOrMany(z.string().transform((s) => s.toUpperCase()).refine((s) => ENHANCED_PATTERN.test(s), 'an enhanced code is like 5.7.1, X.7.1, 5.7.* or 5.*.*')).optional(),
  basic: oneOrMany(z.union([z.number().int().min(200).max(599), z.string().transform((s) => s.toLowerCase()).refine((s) => BASIC_PATTERN.test(s), 'a basic code is like 550, 55x or 5xx')])).optional(),
  class: z.enum(['success', 'transient', 'permanent']).optional(),
  phase: oneOrMany(z.enum(PHASES)).optional(),
  greylisting: z.boolean().optional(),
  disabled: z.boolean().optional(),
});

/** A rule file: `rules:` holds the list (an empty list or nothing is allowed). */
const fileShape = z.strictObject({ rules: z.array(z.unknown()).nullish() });

export class RuleFileError extends Error {
  override name = 'RuleFileError';
  constructor(readonly file: string, readonly ruleId: string | null, message: string, options?: ErrorOptions) {
    super(`${file}${ruleId ? `: rule ${ruleId}` : ''}: ${message}`, options);
  }
}

/**
 * Nested unbounded quantifiers ("(a+)+", "(\\w*x)*", "((ab)+c){2,}") can backtrack exponentially,
 * so they are refused at load. One linear pass over the pattern: a group that contains an
 * unbounded quantifier must not itself be repeated without bound. (Overlapping alternatives
 * under a quantifier, "(a|a)*", are not detected; the 8 KiB cap on matched text bounds them.)
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const unboundedAt = (i: number) => pattern[i] === '+' || pattern[i] === '*' || (pattern[i] === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i, i + 12)) && !/^\{\d*,\d+\}/.test(pattern.slice(i, i + 12)));
  const groups: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (ch === '(') {
      groups.push(false);
    } else if (ch === ')') {
      const inner = groups.pop() ?? false;
      if (inner && unboundedAt(i + 1)) return true;
      if (groups.length > 0 && (inner || unboundedAt(i + 1))) groups[groups.length - 1] = true;
    } else if (unboundedAt(i) && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}
const BACKREFERENCE = /\\[1-9]|\\k</;

/** Validates one file's parsed content; throws RuleFileError naming the rule and the problem. */
export function validateRuleFile(file: string, content: unknown, opts: { allowDisabled: boolean }): RuleSpec[] {
  const top = fileShape.safeParse(content ?? { rules: [] });
  if (!top.success) throw new RuleFileError(file, null, `expected an object with a "rules" list: ${describeIssues(top.error)}`);
  const rules: RuleSpec[] = [];
  (top.data.rules ?? []).forEach((raw, index) => {
    const name = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${index + 1}`;
    const parsed = ruleShape.safeParse(raw);
    if (!parsed.success) throw new RuleFileError(file, name, describeIssues(parsed.error));
    const rule = parsed.data as RuleSpec;
    if (rule.disabled && !opts.allowDisabled) throw new RuleFileError(file, name, '"disabled" is only for user rule files');
    if (!rule.disabled && rule.reason === undefined) throw new RuleFileError(file, name, `reason: required (one of: ${REASONS.join(', ')})`);
    const conditions = ['text', 'pattern', 'enhanced', 'basic', 'class', 'phase'] as const;
    if (!rule.disabled && !conditions.some((k) => rule[k] !== undefined)) {
      throw new RuleFileError(file, name, `a rule needs at least one condition (${conditions.join(', ')})`);
    }
    if (rule.pattern !== undefined) checkPattern(file, name, rule.pattern);
    rules.push(rule);
  });
  return rules;
}

function checkPattern(file: string, name: string, pattern: string): void {
  try {
    new RegExp(pattern, 'i');
  } catch (err) {
    throw new RuleFileError(file, name, `bad pattern: ${(err as Error).message}`, { cause: err });
  }
  if (hasNestedQuantifier(pattern)) throw new RuleFileError(file, name, 'pattern has a nested quantifier (exponential backtracking risk); rewrite it');
  if (BACKREFERENCE.test(pattern)) throw new RuleFileError(file, name, 'pattern uses a back-reference (unbounded matching cost); rewrite it');
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export type { Reason, SmtpPhase };
