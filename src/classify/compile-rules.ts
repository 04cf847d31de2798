import type { ParsedReply, ReplyClass, SmtpPhase } from '../smtp/types.ts';
import { PhraseMatcher } from './phrase-matcher.ts';
import { ENHANCED_PATTERN } from './rule-schema.ts';
import type { RuleSpec } from './rule-schema.ts';

/**
 * Rules compiled once into indexes, so a reply costs one phrase scan plus a handful of checks:
 * rules with phrases are found by the phrase matcher, rules keyed only by code through a map of
 * codes, and only the few rules with neither are looked at for every reply. The lowest-numbered
 * candidate whose every condition holds wins: the order of the rule files is kept exactly.
 */
interface CompiledRule {
  spec: RuleSpec;
  hasText: boolean;
  pattern: RegExp | null;
  enhanced: Array<{ cls: string; subject: string; detail: string }> | null;
  basic: Array<(code: number) => boolean> | null;
  class: ReplyClass | null;
  phase: SmtpPhase[] | null;
}

export interface RuleMatcher {
  /** The first rule that holds for this reply, or null. */
  match(reply: ParsedReply): RuleSpec | null;
  readonly size: number;
}

export function compileRules(specs: readonly RuleSpec[]): RuleMatcher {
  const rules: CompiledRule[] = specs.map(compileOne);
  const phrases: string[] = [];
  const payloads: number[] = [];
  const byCode = new Map<string, number[]>();
  const always: number[] = [];
  const index = (key: string, i: number) => {
    const list = byCode.get(key);
    if (list) list.push(i);
    else byCode.set(key, [i]);
  };
  rules.forEach((r, i) => {
    if (r.spec.text) {
      for (const p of r.spec.text) {
        phrases.push(p);
        payloads.push(i);
      }
    } else if (r.enhanced) {
      for (const e of r.enhanced) {
        for (const cls of e.cls === 'X' ? ['4', '5'] : [e.cls]) index(`e:${cls}.${e.subject}.${e.detail}`, i);
      }
    } else if (r.spec.basic) {
      for (const b of r.spec.basic) index(`b:${String(b).toLowerCase()}`, i);
    } else {
      always.push(i);
    }
  });
  const phraseMatcher = new PhraseMatcher(phrases, payloads);

  // The rules a code selects, by code: a handful of distinct codes recur, so each list is built
  // once (the memo is bounded, since replies can carry any code).
  const codeMemo = new Map<string | number, number[]>();
  function codeCandidates(code: string | number): number[] {
    let list = codeMemo.get(code);
    if (list !== undefined) return list;
    let keys: string[];
    if (typeof code === 'string') {
      const [c, s, d] = code.split('.');
      keys = [`e:${c}.${s}.${d}`, `e:${c}.${s}.*`, `e:${c}.*.${d}`, `e:${c}.*.*`];
    } else {
      const b = String(code);
      keys = [`b:${b}`, `b:${b.slice(0, 2)}x`, `b:${b[0]}xx`];
    }
    list = keys.flatMap((k) => byCode.get(k) ?? []);
    if (codeMemo.size < 4096) codeMemo.set(code, list);
    return list;
  }

  // Per-call scratch space, reused: `hitStamp[i] === stamp` means rule i is a candidate this call.
  const hitStamp = new Uint32Array(rules.length);
  let stamp = 0;
  const candidates: number[] = [];
  const phraseHits: number[] = [];
  const addCandidate = (i: number) => {
    if (hitStamp[i] !== stamp) {
      hitStamp[i] = stamp;
      candidates.push(i);
    }
  };

  function match(reply: ParsedReply): RuleSpec | null {
    stamp = (stamp + 1) >>> 0;
    if (stamp === 0) {
      hitStamp.fill(0);
      stamp = 1;
    }
    candidates.length = 0;
    if (reply.text.length > 0) {
      phraseHits.length = 0;
      phraseMatcher.scan(reply.text, phraseHits);
      for (let k = 0; k < phraseHits.length; k++) addCandidate(phraseHits[k]);
    }
    if (reply.enhanced !== null) for (const i of codeCandidates(reply.enhanced)) addCandidate(i);
    if (reply.basic !== null) for (const i of codeCandidates(reply.basic)) addCandidate(i);
    for (const i of always) addCandidate(i);
    // usually a handful: insertion sort, no comparator calls
    for (let k = 1; k < candidates.length; k++) {
      const v = candidates[k];
      let j = k - 1;
      while (j >= 0 && candidates[j] > v) {
        candidates[j + 1] = candidates[j];
        j--;
      }
      candidates[j + 1] = v;
    }
    for (const i of candidates) if (holds(rules[i], reply)) return rules[i].spec;
    return null;
  }

  return { match, size: rules.length };
}

/** Every condition but the phrases (a candidate found by the phrase scan has those). */
function holds(r: CompiledRule, reply: ParsedReply): boolean {
  if (r.class !== null && reply.class !== r.class) return false;
  if (r.phase !== null && (reply.phase === null || !r.phase.includes(reply.phase))) return false;
  if (r.enhanced !== null) {
    if (reply.enhanced === null) return false;
    const [c, s, d] = splitCode(reply.enhanced);
    if (!r.enhanced.some((e) => (e.cls === 'X' ? c !== '2' : e.cls === c) && (e.subject === '*' || e.subject === s) && (e.detail === '*' || e.detail === d))) return false;
  }
  if (r.basic !== null) {
    if (reply.basic === null) return false;
    const code = reply.basic;
    if (!r.basic.some((test) => test(code))) return false;
  }
  if (r.pattern !== null && !r.pattern.test(reply.text)) return false;
  return true;
}

const splitMemo = new Map<string, string[]>();
function splitCode(code: string): string[] {
  let parts = splitMemo.get(code);
  if (parts === undefined) {
    parts = code.split('.');
    if (splitMemo.size < 4096) splitMemo.set(code, parts);
  }
  return parts;
}

function compileOne(spec: RuleSpec): CompiledRule {
  return {
    spec,
    hasText: spec.text !== undefined,
    pattern: spec.pattern !== undefined ? new RegExp(spec.pattern, 'i') : null,
    enhanced: spec.enhanced ? spec.enhanced.map(splitPattern) : null,
    basic: spec.basic ? spec.basic.map(basicTest) : null,
    class: spec.class ?? null,
    phase: spec.phase ?? null,
  };
}

function splitPattern(p: string): { cls: string; subject: string; detail: string } {
  const m = ENHANCED_PATTERN.exec(p)!;
  // "5.07.001" and "5.7.1" are the same code: compare numbers as the parser normalizes them
  const norm = (x: string) => (x === '*' ? x : String(Number(x)));
  return { cls: m[1], subject: norm(m[2]), detail: norm(m[3]) };
}

function basicTest(b: number | string): (code: number) => boolean {
  if (typeof b === 'number') return (code) => code === b;
  const prefix = b.replace(/x+$/, '');
  return (code) => String(code).startsWith(prefix);
}
