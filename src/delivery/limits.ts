import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * How hard Rebound may push one destination, and how it backs off when the destination is
 * struggling. Built-in defaults (justified in docs/delivery.md from Postfix and KumoMTA), then
 * the policy file's `limits.default`, then the recipient domain's entry, then the MX host's.
 */
export interface DestinationLimits {
  /** Connections open at once to one MX host; also the deliveries in flight per domain. */
  connections: number;
  /** Transactions carried by one connection before it is closed and a new one opened. */
  messagesPerConnection: number;
  /** Deliveries started per minute per domain (token bucket). */
  messagesPerMinute: number;
  /** Deliveries that may start back to back after a quiet spell (the bucket's size). */
  burst: number;
  /** Idle pooled connection lifetime. */
  idleMs: number;
  suspension: {
    /** First suspension after a 421 / 4.3.2 / connect failure. */
    initialMs: number;
    /** Each failed probe multiplies the suspension by this, up to maxMs. */
    factor: number;
    maxMs: number;
    /** While a probe is out, other due deliveries wait this long before asking again. */
    probeWaitMs: number;
  };
  ramp: {
    /** After a successful probe the rate starts at this fraction of messagesPerMinute… */
    start: number;
    /** …and doubles this often until it is whole again. */
    doubleEveryMs: number;
  };
}

export const DEFAULT_LIMITS: DestinationLimits = {
  connections: 10,
  messagesPerConnection: 100,
  messagesPerMinute: 600,
  burst: 10,
  idleMs: 5_000,
  suspension: { initialMs: 5 * 60_000, factor: 2, maxMs: 60 * 60_000, probeWaitMs: 60_000 },
  ramp: { start: 0.1, doubleEveryMs: 60_000 },
};

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const positiveInt = z.number().int().positive();
const partialLimits = z.strictObject({
  connections: positiveInt.max(1000).optional(),
  messagesPerConnection: positiveInt.optional(),
  messagesPerMinute: z.number().positive().optional(),
  burst: positiveInt.optional(),
  idle: duration.optional(),
  suspension: z.strictObject({
    initial: duration.optional(),
    factor: z.number().min(1).max(10).optional(),
    max: duration.optional(),
    probeWait: duration.optional(),
  }).optional(),
  ramp: z.strictObject({
    start: z.number().positive().max(1).optional(),
    doubleEvery: duration.optional(),
  }).optional(),
});
type PartialLimitsInput = z.output<typeof partialLimits>;

export const limitsConfigSchema = z.strictObject({
  default: partialLimits.optional(),
  /** By recipient domain: "example.com", or ".example.com" for it and its subdomains. */
  domains: z.record(z.string().min(1), partialLimits).optional(),
  /** By MX host: "mx1.example.net", or ".google.com" for every host under it. */
  hosts: z.record(z.string().min(1), partialLimits).optional(),
});
export type LimitsConfigInput = z.input<typeof limitsConfigSchema>;

export interface LimitsConfig {
  default: DestinationLimits;
  domains: Map<string, PartialLimitsInput>;
  hosts: Map<string, PartialLimitsInput>;
}

export class LimitsError extends Error {
  override name = 'LimitsError';
}

function overlay(base: DestinationLimits, p: PartialLimitsInput | undefined): DestinationLimits {
  if (!p) return base;
  return {
    connections: p.connections ?? base.connections,
    messagesPerConnection: p.messagesPerConnection ?? base.messagesPerConnection,
    messagesPerMinute: p.messagesPerMinute ?? base.messagesPerMinute,
    burst: p.burst ?? base.burst,
    idleMs: p.idle ?? base.idleMs,
    suspension: {
      initialMs: p.suspension?.initial ?? base.suspension.initialMs,
      factor: p.suspension?.factor ?? base.suspension.factor,
      maxMs: p.suspension?.max ?? base.suspension.maxMs,
      probeWaitMs: p.suspension?.probeWait ?? base.suspension.probeWaitMs,
    },
    ramp: {
      start: p.ramp?.start ?? base.ramp.start,
      doubleEveryMs: p.ramp?.doubleEvery ?? base.ramp.doubleEveryMs,
    },
  };
}

/** Validates the `limits` section of a policy file; errors name the key ("domains.example.com.burst: …"). */
export function compileLimits(input: unknown): LimitsConfig {
  const parsed = limitsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new LimitsError(`limits: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  const lower = (r: Record<string, PartialLimitsInput> | undefined) => new Map(Object.entries(r ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const config = { default: overlay(DEFAULT_LIMITS, parsed.data.default), domains: lower(parsed.data.domains), hosts: lower(parsed.data.hosts) };
  if (config.default.suspension.maxMs < config.default.suspension.initialMs) throw new LimitsError('limits: default.suspension.max is shorter than default.suspension.initial');
  return config;
}

export const DEFAULT_LIMITS_CONFIG: LimitsConfig = { default: DEFAULT_LIMITS, domains: new Map(), hosts: new Map() };

/** The entry for a name: exact, else the longest ".suffix" entry that covers it. */
function lookup(table: Map<string, PartialLimitsInput>, name: string): PartialLimitsInput | undefined {
  const exact = table.get(name);
  if (exact) return exact;
  let best: { len: number; v: PartialLimitsInput } | null = null;
  for (const [key, v] of table) {
    if (key.startsWith('.') && (name.endsWith(key) || name === key.slice(1)) && (!best || key.length > best.len)) best = { len: key.length, v };
  }
  return best?.v;
}

/** Limits for one domain, refined by its MX host when known. */
export function limitsFor(config: LimitsConfig, domain: string, mxHost?: string | null): DestinationLimits {
  const byDomain = overlay(config.default, lookup(config.domains, domain.toLowerCase()));
  return mxHost ? overlay(byDomain, lookup(config.hosts, mxHost.toLowerCase())) : byDomain;
}
