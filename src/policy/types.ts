import type { BounceType, Reason } from '../classify/types.ts';
import type { ReplyClass } from '../smtp/types.ts';

/** The policy after loading: durations in ms, schedules parsed, matchers compiled. */

/** Explicit waits (Haraka style), or exponential backoff. `none`: the delivery is not retried. */
export type Schedule =
  | { kind: 'none' }
  | { kind: 'intervals'; intervals: number[] }
  | {
    kind: 'backoff';
    /** Ceiling of the first wait; each later ceiling is `factor` times the previous, up to `max`. */
    initial: number;
    factor: number;
    max: number;
    /** No wait is shorter than this, jitter or not. */
    min: number;
    /** `full`: a wait is uniform in [min, ceiling] (AWS's "full jitter"); `none`: the ceiling. */
    jitter: 'full' | 'none';
  };

export interface RuleMatch {
  /** Exact ("4.3.2") or prefix ("4.7.*", "5.*") enhanced codes; any may match. */
  enhanced?: string[];
  reason?: Reason[];
  /** Exact (451) or pattern ("4xx", "45x") basic codes. */
  basic?: string[];
  /** Exact ("example.com") or every subdomain ("*.example.com"). */
  domain?: string[];
  class?: Array<ReplyClass | 'none'>;
  type?: BounceType[];
  retryable?: boolean;
  hardbounce?: boolean;
}

export interface PolicyRule {
  id: string;
  /** Where the rule was written: "built-in" or "FILE:LINE". */
  origin: string;
  match: RuleMatch;
  schedule: Schedule;
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** No retry is scheduled later than this after the delivery was created. */
  maxAge: number;
  /** What happens to the address when retries run out (a bad-address reply still suppresses). */
  exhausted: 'unavailable' | 'none';
}

export interface DestinationLimits {
  /** Most simultaneous connections to one destination (Postfix default_destination_concurrency_limit). */
  concurrency: number;
  /** Connections a destination starts with, raised as deliveries succeed (Postfix initial_destination_concurrency). */
  initialConcurrency: number;
  /** Messages sent over one connection before it is closed (KumoMTA max_deliveries_per_connection). */
  messagesPerConnection: number;
  /** Messages per minute to one destination; null: unlimited. */
  messagesPerMinute: number | null;
}

export interface SuspensionSettings {
  /** Consecutive destination-level failures (421 at connect, 4.3.2, refused connection) that suspend it. */
  after: number;
  /** First suspension; each further one is `factor` times longer, up to `max`. */
  initial: number;
  factor: number;
  max: number;
  /** Deliveries let through while probing whether a suspended destination is back. */
  probes: number;
}

export interface DestinationPolicy {
  default: DestinationLimits;
  suspend: SuspensionSettings;
  /** Per-domain overrides of the default limits. */
  domains: Record<string, DestinationLimits>;
}

export interface Policy {
  rules: PolicyRule[];
  /** `delivery.delayed` is sent once a delivery has waited this long; null: off. */
  delayWarning: number | null;
  /** How long an address stays `unavailable` after its retries ran out. */
  coolOff: number;
  destinations: DestinationPolicy;
}
