import type { AttemptOutcome } from '../../engine/transport.ts';
import type { SmtpPhase } from '../../smtp/types.ts';
import type { DestinationLimits } from '../limits.ts';
import { suspensionTrigger, type SuspensionTrigger } from './triggers.ts';

/**
 * The health of one destination and how outcomes move it:
 *   open ──trigger──▶ suspended ──suspension over, a due delivery asks──▶ probing
 *   probing ──probe shows the server up──▶ open (ramped)     probing ──trigger──▶ suspended (longer)
 * `suspension.after` destination-level failures in a row suspend an open destination (the
 * Postfix "dead cohort"); a suspension lasts initial × factor^(failed probes), capped. The
 * record is what the store keeps, so another node (or `rebound destinations`) sees the state.
 */
export type Health = 'open' | 'suspended' | 'probing';

export interface HealthCounters {
  attempts: number;
  delivered: number;
  /** Transient failures (the delivery will be tried again). */
  deferred: number;
  /** Permanent failures. */
  failed: number;
  /** Deliveries the gate held back (suspension, probe, rate, concurrency). */
  held: number;
  suspensions: number;
  probes: number;
}

export interface DestinationHealth {
  /** Recipient domain: the gate's key. */
  domain: string;
  /** The MX host (or relay) that last answered. */
  host: string | null;
  health: Health;
  suspendedUntil: number | null;
  /** Destination-level failures in a row while open; `suspension.after` of them suspend it. */
  strikes: number;
  /** Failed probes in a row in the current incident: the backoff exponent. */
  level: number;
  /** When the current incident (first suspension) began; its length is the resolution time. */
  incidentSince: number | null;
  /** When the last suspension ended, for the ramp. */
  resumedAt: number | null;
  lastTrigger: string | null;
  lastReply: string | null;
  lastPhase: SmtpPhase | null;
  lastAt: number | null;
  counters: HealthCounters;
}

export type HealthEvent =
  | {
      type: 'destination.suspended';
      at: number;
      domain: string;
      host: string | null;
      until: number;
      /** false for the first suspension of an incident, true when a failed probe extends it. */
      extended: boolean;
      trigger: string;
      reply: string;
    }
  | { type: 'destination.resumed'; at: number; domain: string; host: string | null; downtimeMs: number; probes: number };

export function freshHealth(domain: string): DestinationHealth {
  return {
    domain, host: null, health: 'open', suspendedUntil: null, strikes: 0, level: 0, incidentSince: null, resumedAt: null,
    lastTrigger: null, lastReply: null, lastPhase: null, lastAt: null,
    counters: { attempts: 0, delivered: 0, deferred: 0, failed: 0, held: 0, suspensions: 0, probes: 0 },
  };
}

export function suspensionLength(level: number, limits: DestinationLimits): number {
  const s = limits.suspension;
  return Math.min(s.maxMs, s.initialMs * s.factor ** level);
}

/** The share of the full rate allowed at `t` after a resume (1 once the ramp is over). */
export function rampShare(h: DestinationHealth, t: number, limits: DestinationLimits): number {
  if (h.resumedAt === null || t < h.resumedAt) return 1;
  return Math.min(1, limits.ramp.start * 2 ** ((t - h.resumedAt) / limits.ramp.doubleEveryMs));
}

/** Updates the record with one outcome; returns the event it causes, if any. */
export function recordOutcome(
  h: DestinationHealth,
  o: AttemptOutcome,
  limits: DestinationLimits,
  triggers?: SuspensionTrigger[],
): HealthEvent | null {
  const now = o.at;
  const c = o.classification;
  h.counters.attempts++;
  if (c.class === 'success') h.counters.delivered++;
  else if (c.class === 'permanent') h.counters.failed++;
  else h.counters.deferred++;
  if (o.destination) h.host = o.destination;
  h.lastReply = o.response;
  h.lastPhase = o.phase;
  h.lastAt = now;
  const trigger = suspensionTrigger(o, triggers);
  if (trigger) h.lastTrigger = trigger.id;
  switch (h.health) {
    case 'open':
      if (!trigger) {
        h.strikes = 0;
        return null;
      }
      h.strikes++;
      if (h.strikes < limits.suspension.after) return null;
      h.level = 0;
      h.incidentSince = now;
      return suspend(h, now, limits, trigger, o.response, false);
    case 'probing':
      if (trigger) {
        h.level++;
        return suspend(h, now, limits, trigger, o.response, true);
      }
      return resume(h, now);
    case 'suspended':
      // outcomes of deliveries that were already under way: a failure changes nothing, an
      // answer that shows the server taking mail ends the suspension early
      return trigger ? null : resume(h, now);
  }
}

function suspend(h: DestinationHealth, now: number, limits: DestinationLimits, trigger: SuspensionTrigger, reply: string, extended: boolean): HealthEvent {
  h.health = 'suspended';
  h.strikes = 0;
  h.suspendedUntil = now + suspensionLength(h.level, limits);
  h.resumedAt = null;
  h.counters.suspensions++;
  return { type: 'destination.suspended', at: now, domain: h.domain, host: h.host, until: h.suspendedUntil, extended, trigger: trigger.id, reply };
}

function resume(h: DestinationHealth, now: number): HealthEvent {
  const downtimeMs = h.incidentSince === null ? 0 : now - h.incidentSince;
  const probes = h.level + 1;
  h.health = 'open';
  h.suspendedUntil = null;
  h.resumedAt = now;
  h.incidentSince = null;
  h.level = 0;
  h.strikes = 0;
  return { type: 'destination.resumed', at: now, domain: h.domain, host: h.host, downtimeMs, probes };
}

/**
 * The health to show at `now`. A suspension has no timer of its own: the stored row says
 * `suspended` until a due delivery asks and becomes the probe, which for a domain with no mail
 * waiting can be days. Past its end it reads as `probing` (the next delivery probes), so no
 * screen, filter or gauge shows a suspension that is over as a live one.
 */
export function healthAt(d: { health: Health; suspendedUntil: number | null }, now: number): Health {
  return d.health === 'suspended' && d.suspendedUntil !== null && d.suspendedUntil <= now ? 'probing' : d.health;
}
