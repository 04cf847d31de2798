import type { Classification } from '../classify/types.ts';
import type { Policy, PolicyRule, RuleMatch } from './types.ts';

/** "4.7.*" matches 4.7.1 and 4.7.500; "4.3.2" only itself. */
function enhancedMatches(pattern: string, code: string | null): boolean {
  if (code === null) return false;
  if (pattern.endsWith('.*')) return code.startsWith(pattern.slice(0, -1));
  return code === pattern;
}

/** "4xx" and "45x" are digit patterns; "451" is exact. */
function basicMatches(pattern: string, code: number | null): boolean {
  if (code === null) return false;
  const text = String(code);
  return text.length === 3 && [...pattern].every((c, i) => c === 'x' || c === text[i]);
}

/** "*.example.com" matches every subdomain (not example.com itself); otherwise exact. */
export function domainMatches(pattern: string, domain: string): boolean {
  const d = domain.toLowerCase();
  if (pattern.startsWith('*.')) return d.endsWith(pattern.slice(1));
  return d === pattern;
}

export function ruleMatches(m: RuleMatch, c: Classification, domain: string): boolean {
  if (m.enhanced && !m.enhanced.some((p) => enhancedMatches(p, c.enhanced))) return false;
  if (m.reason && !m.reason.includes(c.reason)) return false;
  if (m.basic && !m.basic.some((p) => basicMatches(p, c.basic))) return false;
  if (m.domain && !m.domain.some((p) => domainMatches(p, domain))) return false;
  if (m.class && !m.class.includes(c.class ?? 'none')) return false;
  if (m.type && !m.type.includes(c.type)) return false;
  if (m.retryable !== undefined && m.retryable !== c.retryable) return false;
  if (m.hardbounce !== undefined && m.hardbounce !== c.hardbounce) return false;
  return true;
}

/** The first rule that matches the outcome; the built-in fallback matches everything. */
export function matchRule(policy: Policy, c: Classification, domain: string): PolicyRule {
  for (const rule of policy.rules) if (ruleMatches(rule.match, c, domain)) return rule;
  // compilePolicy always appends the built-in catch-all, so this is a broken policy object.
  throw new Error('policy has no rule matching every outcome (the built-in default/final is missing)');
}
