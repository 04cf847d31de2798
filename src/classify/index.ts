// The classify/ module: reason from the rule files, what to do from the decision table.
import type { Classification, ClassifyInput } from './types.ts';
import { createClassifier } from './classifier.ts';
import type { Classifier, ClassifyOptions } from './classifier.ts';

export { createClassifier, BUILTIN_RULES } from './classifier.ts';
export type { Classifier, ClassifierOptions, ClassifyOptions } from './classifier.ts';
export { RuleFileError } from './rule-schema.ts';
export type { RuleSpec } from './rule-schema.ts';
export { SHIPPED_STAGES, loadShippedRules } from './load-rules.ts';
export { DECISION_TABLE, SENDER_SIDE_REASONS, ADDRESS_REASONS, decide, isHardBounce, impliedClass } from './decision-table.ts';
export { REASONS } from './types.ts';
export type * from './types.ts';

let shared: Classifier | null = null;

/** The shipped rules, compiled on first use (nothing is read at import time). */
export function defaultClassifier(): Classifier {
  shared ??= createClassifier();
  return shared;
}

/** Classifies a reply, a parsed reply, a DSN Diagnostic-Code, a bare status, or a Node error. */
export function classify(input: ClassifyInput, opts?: ClassifyOptions): Classification {
  return defaultClassifier().classify(input, opts);
}
