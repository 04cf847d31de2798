import { defaultPolicy, destinationLimits } from '../policy/index.ts';
import type { Policy } from '../policy/types.ts';

/**
 * How hard Rebound may push one destination, and how it backs off when the destination
 * struggles. Read from the policy file's `destinations` section (src/policy: concurrency,
 * initialConcurrency, messagesPerConnection, messagesPerMinute per domain; suspend after /
 * initial / factor / max / probes), plus the few timings below that the policy does not name.
 */
export interface DestinationLimits {
  /** Connections open at once to one MX host; also the most deliveries in flight per domain. */
  connections: number;
  /** Deliveries in flight a domain starts with (and restarts with after a suspension), +1 per success. */
  initialConnections: number;
  /** Transactions carried by one connection before it is closed and a new one opened. */
  messagesPerConnection: number;
  /** Deliveries started per minute per domain (token bucket); null: no rate limit. */
  messagesPerMinute: number | null;
  /** Idle pooled connection lifetime (wall time). */
  idleMs: number;
  suspension: {
    /** Destination-level failures in a row (421, 4.3.2, unreachable) that suspend an open destination. */
    after: number;
    /** First suspension; each failed probe multiplies it by `factor`, up to `maxMs`. */
    initialMs: number;
    factor: number;
    maxMs: number;
    /** Deliveries let through at once to probe a destination whose suspension is over. */
    probes: number;
    /** While probes are out, other due deliveries wait this long before asking again. */
    probeWaitMs: number;
  };
  ramp: {
    /** After a successful probe the rate starts at this share of messagesPerMinute… */
    start: number;
    /** …and doubles this often until it is whole again. */
    doubleEveryMs: number;
  };
}

/** Timings the policy file does not (yet) name; see docs/delivery.md for why these values. */
export const DELIVERY_TIMINGS = {
  idleMs: 5_000,
  probeWaitMs: 60_000,
  rampStart: 0.1,
  rampDoubleEveryMs: 60_000,
} as const;

/** The limits for one recipient domain under a policy (the built-in one by default). */
export function limitsFor(policy: Policy, domain: string): DestinationLimits {
  const l = destinationLimits(policy, domain);
  const s = policy.destinations.suspend;
  return {
    connections: l.concurrency,
    initialConnections: Math.min(l.initialConcurrency, l.concurrency),
    messagesPerConnection: l.messagesPerConnection,
    messagesPerMinute: l.messagesPerMinute,
    idleMs: DELIVERY_TIMINGS.idleMs,
    suspension: { after: s.after, initialMs: s.initial, factor: s.factor, maxMs: s.max, probes: s.probes, probeWaitMs: DELIVERY_TIMINGS.probeWaitMs },
    ramp: { start: DELIVERY_TIMINGS.rampStart, doubleEveryMs: DELIVERY_TIMINGS.rampDoubleEveryMs },
  };
}

let builtIn: Policy | null = null;
/** The built-in policy, compiled once on first use. */
export function builtInPolicy(): Policy {
  builtIn ??= defaultPolicy();
  return builtIn;
}
