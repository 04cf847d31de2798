import { yamlProblem } from '../policy/yaml-location.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { RuleFileError, validateRuleFile } from './rule-schema.ts';
import type { RuleSpec } from './rule-schema.ts';

/**
 * The shipped rule files, in the order they are checked. Text the provider or MTA wrote is the
 * best evidence; a decisive enhanced code comes next; generic phrases next; the codes that mean
 * little on their own (5.7.1, 4.3.2, 550…) only when no text said anything. docs/classification.md
 * explains why.
 */
export const SHIPPED_STAGES = [
  'provider-texts',
  'dsn-texts',
  'mta-texts',
  'enhanced-codes',
  'generic-texts',
  'enhanced-fallback',
  'basic-codes',
] as const;

const rulesDir = new URL('./rules/', import.meta.url);

export function shippedRuleFile(stage: string): string {
  return fileURLToPath(new URL(`${stage}.yaml`, rulesDir));
}

/** Reads and validates one rule file (YAML, or JSON, which YAML reads too). */
export function loadRuleFile(path: string, stage: string, opts: { allowDisabled?: boolean } = {}): RuleSpec[] {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuleFileError(path, null, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  let content: unknown;
  try {
    content = parseYaml(source, { maxAliasCount: 100 });
  } catch (err) {
    // the same shape as the other settings files: where, then what, and nothing dangling
    const where = yamlProblem(err as Error);
    throw new RuleFileError(where.line === null ? path : `${path}:${where.line}:${where.column}`, null, `not valid YAML/JSON: ${where.what}`, { cause: err });
  }
  return validateRuleFile(path, content, { allowDisabled: opts.allowDisabled ?? false }).map((r) => ({ ...r, stage }));
}

/** Every shipped rule, in checking order; ids must be unique across files. */
export function loadShippedRules(): RuleSpec[] {
  const all: RuleSpec[] = [];
  const seen = new Map<string, string>();
  for (const stage of SHIPPED_STAGES) {
    const file = shippedRuleFile(stage);
    for (const rule of loadRuleFile(file, stage)) {
      const other = seen.get(rule.id);
      if (other) throw new RuleFileError(file, rule.id, `duplicate id (also in ${other})`);
      seen.set(rule.id, stage);
      all.push(rule);
    }
  }
  return all;
}

/**
 * Merges user rules into the shipped ones. A user rule with a shipped rule's id replaces it in
 * place (or removes it, with `disabled: true`); any other user rule is checked before every
 * shipped rule, since the user knows their own traffic best.
 */
export function mergeUserRules(shipped: RuleSpec[], user: RuleSpec[], file: string): RuleSpec[] {
  const byId = new Map(shipped.map((r, i) => [r.id, i]));
  const merged: Array<RuleSpec | null> = [...shipped];
  const added: RuleSpec[] = [];
  const seen = new Set<string>();
  for (const rule of user) {
    if (seen.has(rule.id)) throw new RuleFileError(file, rule.id, 'duplicate id in the user rule file');
    seen.add(rule.id);
    const at = byId.get(rule.id);
    if (at !== undefined) {
      merged[at] = rule.disabled ? null : { ...rule, stage: 'user' };
    } else if (rule.disabled) {
      throw new RuleFileError(file, rule.id, 'disables a rule that does not exist');
    } else {
      added.push({ ...rule, stage: 'user' });
    }
  }
  return [...added, ...merged.filter((r): r is RuleSpec => r !== null)];
}
