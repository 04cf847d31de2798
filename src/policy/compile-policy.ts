import { policyFileSchema, type PolicyFile, type RuleInput } from './schema.ts';
import { BUILT_IN_POLICY } from './defaults.ts';
import { formatDuration } from './duration.ts';
import type { DestinationLimits, Policy, PolicyRule, Schedule } from './types.ts';

export class PolicyError extends Error {
  override name = 'PolicyError';
  /** The key the problem is at, when there is one (the file loader turns it into a line). */
  constructor(message: string, readonly path: ReadonlyArray<string | number> = []) {
    super(message);
  }
}

interface Defaults {
  schedule: Schedule;
  maxAttempts: number;
  maxAge: number;
}

function compileRule(r: RuleInput, id: string, origin: string, d: Defaults): PolicyRule {
  const schedule: Schedule = r.retry === false ? { kind: 'none' } : r.retry === true ? d.schedule : r.retry;
  // An interval list says how many retries it wants; a backoff needs the default count.
  const maxAttempts = r.maxAttempts ?? (schedule.kind === 'intervals' ? schedule.intervals.length + 1 : schedule.kind === 'none' ? 1 : d.maxAttempts);
  return { id, origin, match: r.match, schedule, maxAttempts, maxAge: r.maxAge ?? d.maxAge, exhausted: r.exhausted ?? 'unavailable' };
}

let builtIn: PolicyFile | undefined;
function builtInFile(): PolicyFile {
  builtIn ??= policyFileSchema.parse(BUILT_IN_POLICY);
  return builtIn;
}

/**
 * The effective policy: the user's file (already validated) laid over the built-in one. User
 * rules come first, so they override; the built-in fallbacks come last. `origins[i]` names where
 * user rule i was written ("policy.yaml:12").
 */
export function compilePolicy(file: PolicyFile = {}, origins: string[] = []): Policy {
  const base = builtInFile();
  const retry = { ...base.retry, ...file.retry };
  const defaults: Defaults = { schedule: retry.schedule!, maxAttempts: retry.maxAttempts!, maxAge: retry.maxAge! };
  const rules: PolicyRule[] = [];
  const seen = new Map<string, number>();
  (file.rules ?? []).forEach((r, i) => {
    const id = r.id ?? `rule-${i + 1}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new PolicyError(`"${id}" is used by an earlier rule (${origins[earlier] ?? `rules[${earlier}]`})`, ['rules', i, 'id']);
    seen.set(id, i);
    rules.push(compileRule(r, id, origins[i] ?? `rules[${i}]`, defaults));
  });
  for (const r of base.rules ?? []) rules.push(compileRule(r, r.id!, 'built-in', defaults));

  // A start inherited from elsewhere (the built-in 5, or the default entry's) is capped at the
  // entry's own concurrency: `concurrency: 2` alone means "at most 2", starting at 2. Writing both
  // in one entry with the start above is refused by the schema.
  const capStart = (l: DestinationLimits): DestinationLimits => ({ ...l, initialConcurrency: Math.min(l.initialConcurrency, l.concurrency) });
  const defaultLimits = capStart({ ...base.destinations!.default, ...file.destinations?.default } as DestinationLimits);
  const domains: Record<string, DestinationLimits> = {};
  for (const [domain, over] of Object.entries(file.destinations?.domains ?? {})) domains[domain] = capStart({ ...defaultLimits, ...over } as DestinationLimits);
  const suspend = { ...base.destinations!.suspend, ...file.destinations?.suspend } as Policy['destinations']['suspend'];
  if (suspend.max < suspend.initial) {
    const at = file.destinations?.suspend?.max !== undefined ? 'max' : 'initial';
    throw new PolicyError(`suspend.max (${formatDuration(suspend.max)}) is shorter than suspend.initial (${formatDuration(suspend.initial)})`, ['destinations', 'suspend', at]);
  }

  return {
    rules,
    delayWarning: file.delayWarning !== undefined ? file.delayWarning : (base.delayWarning ?? null),
    coolOff: file.addresses?.coolOff ?? base.addresses!.coolOff!,
    destinations: { default: defaultLimits, suspend, domains },
  };
}

/** The built-in policy alone. */
export function defaultPolicy(): Policy {
  return compilePolicy();
}

/** Limits for one recipient domain: its exact override, else the nearest "*.parent" one, else the default. */
export function destinationLimits(policy: Policy, domain: string): DestinationLimits {
  const d = domain.toLowerCase();
  const domains = policy.destinations.domains;
  if (Object.hasOwn(domains, d)) return domains[d]!;
  for (let i = d.indexOf('.'); i >= 0; i = d.indexOf('.', i + 1)) {
    const wildcard = `*${d.slice(i)}`;
    if (Object.hasOwn(domains, wildcard)) return domains[wildcard]!;
  }
  return policy.destinations.default;
}
