import { parseReply } from '../smtp/parse-reply.ts';
import type { ParsedReply, SmtpPhase } from '../smtp/types.ts';
import type { Classification, ClassifyInput, Reason } from './types.ts';
import { compileRules } from './compile-rules.ts';
import type { RuleMatcher } from './compile-rules.ts';
import { loadRuleFile, loadShippedRules, mergeUserRules } from './load-rules.ts';
import { validateRuleFile } from './rule-schema.ts';
import type { RuleSpec } from './rule-schema.ts';
import { decide } from './decision-table.ts';

export interface ClassifierOptions {
  /** A user rule file (YAML or JSON) merged over the shipped rules; a bad file throws at creation. */
  rulesFile?: string;
  /** User rules given as data (same format as a file's `rules:` list), merged after `rulesFile`. */
  rules?: unknown[];
}

export interface ClassifyOptions {
  phase?: SmtpPhase;
}

export interface Classifier {
  classify(input: ClassifyInput, opts?: ClassifyOptions): Classification;
  /** The rules in checking order (shipped and user), for `rebound explain` and rule tooling. */
  readonly rules: readonly RuleSpec[];
}

/** Ids of the decisions made without a rule file: no reply at all, or a success. */
export const BUILTIN_RULES = {
  networkError: 'builtin/network-error',
  success: 'builtin/success',
  noMatch: 'builtin/no-match',
} as const;

/** Builds a classifier: shipped rules (read and compiled now), then the user's. */
export function createClassifier(options: ClassifierOptions = {}): Classifier {
  let rules = loadShippedRules();
  if (options.rulesFile !== undefined) {
    rules = mergeUserRules(rules, loadRuleFile(options.rulesFile, 'user', { allowDisabled: true }), options.rulesFile);
  }
  if (options.rules !== undefined) {
    const given = validateRuleFile('(rules option)', { rules: options.rules }, { allowDisabled: true });
    rules = mergeUserRules(rules, given.map((r) => ({ ...r, stage: 'user' })), '(rules option)');
  }
  const matcher = compileRules(rules);
  return { classify: (input, opts) => classifyWith(matcher, input, opts), rules };
}

function classifyWith(matcher: RuleMatcher, input: ClassifyInput, opts: ClassifyOptions = {}): Classification {
  const reply = isParsed(input) ? input : parseReply(input as string | Error, opts);
  let reason: Reason;
  let rule: string;
  let greylisting = false;
  if (reply.networkError !== null) {
    reason = 'networkerror';
    rule = BUILTIN_RULES.networkError;
  } else if (reply.class === 'success') {
    reason = 'delivered';
    rule = BUILTIN_RULES.success;
  } else {
    const hit = matcher.match(reply);
    reason = hit ? hit.reason : 'undefined';
    rule = hit ? hit.id : BUILTIN_RULES.noMatch;
    greylisting = hit?.greylisting === true;
  }
  const decided = decide(reply.class, reason, reply.text, reply.enhanced);
  return {
    basic: reply.basic,
    enhanced: reply.enhanced,
    class: reply.class,
    type: decided.type,
    reason,
    hardbounce: decided.hardbounce,
    retryable: decided.retryable,
    action: decided.action,
    recipient: reply.recipient,
    rule,
    text: reply.text,
    ...(greylisting ? { greylisting: true as const } : {}),
  };
}

function isParsed(input: ClassifyInput): input is ParsedReply {
  return typeof input === 'object' && input !== null && !(input instanceof Error) && typeof (input as ParsedReply).text === 'string' && 'networkError' in input;
}
