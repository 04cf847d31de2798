import type { DestinationGate, GateDecision } from '../../engine/destination-gate.ts';
import type { AttemptOutcome } from '../../engine/transport.ts';
import type { Policy } from '../../policy/types.ts';
import { builtInPolicy, limitsFor, type DestinationLimits } from '../limits.ts';
import { freshHealth, rampShare, recordOutcome, type DestinationHealth, type Health, type HealthEvent } from './destination-health.ts';
import { TokenBucket } from './token-bucket.ts';
import { suspensionTrigger, type SuspensionTrigger } from './triggers.ts';

/**
 * Where destination health is kept beyond this process (the store's destinations table) and
 * where its events go (the store's outbox): `save` writes both in one transaction. Without a
 * store the gate keeps health in memory only.
 */
export interface HealthStore {
  load(domain: string): DestinationHealth | null | Promise<DestinationHealth | null>;
  /** `at`: when the change happened (engine time). */
  save(health: DestinationHealth, events: readonly HealthEvent[], at: number): void | Promise<void>;
  /**
   * The failures-in-a-row count kept where every node adds to it: +1, or 0 on a sign of life
   * (`reset`); returns the count and the stored suspension. Without it the count is this
   * process's alone.
   */
  strike?(domain: string, reset: boolean, at: number): Promise<{ strikes: number; health: Health; suspendedUntil: number | null }>;
}

/**
 * Concurrency slots shared by every node (PostgreSQL's destination_slots): a slot is leased, so
 * a node that dies frees its slots when the lease ends.
 */
export interface SlotStore {
  acquireSlot(domain: string, holder: string, limit: number, now: number, lockedUntil: number): Promise<boolean>;
  releaseSlot(domain: string, holder: string): Promise<void>;
}

export interface HealthGateOptions {
  /** The policy whose `destinations` section sets the limits; the built-in one by default. */
  policy?: Policy;
  store?: HealthStore;
  /**
   * Several nodes share the store: re-read a destination's row when this much engine time has
   * passed since the last read, so a suspension one node decides holds on every node.
   * Null (the default, one process): the row is read once.
   */
  refreshMs?: number | null;
  /** Several nodes share the store: the per-destination concurrency limit counts every node's deliveries. */
  slots?: { store: SlotStore; holder: string; leaseMs: number };
  /** Where a failed slot release is reported (the slot still frees itself when its lease ends). */
  onError?: (err: Error, context: string) => void;
  triggers?: SuspensionTrigger[];
  /** Called with every event as well (logs, metrics). */
  onEvent?: (event: HealthEvent) => void;
}

interface Live {
  health: DestinationHealth;
  inFlight: number;
  /** Deliveries allowed in flight now: starts at initialConnections, +1 per success (slow start). */
  window: number;
  /** Null when the policy sets no rate for the domain. */
  bucket: TokenBucket | null;
  /** Probes admitted whose outcome has not been seen yet. */
  probesOut: number;
  probeAt: number;
  /** Engine time the stored row was last read. */
  readAt: number;
  /** The stored failures-in-a-row count as last seen (another node may have added to it). */
  storedStrikes: number;
}

/** A probe whose outcome never came (a crashed worker) is given up after this many probe waits. */
const LOST_PROBE_WAITS = 5;

/**
 * The DestinationGate of issue 5, per recipient domain: a suspension after `suspend.after`
 * 421 / 4.3.2 / unreachable outcomes in a row (longer after each failed probe), probes once it is
 * over, a slow start and a ramped rate after a good probe, a token bucket for messages per minute,
 * a cap on deliveries in flight. A refusal carries the time to come back; the scheduler keeps the
 * delivery's attempt count and never moves it earlier than its own schedule.
 */
export class HealthGate implements DestinationGate {
  private readonly live = new Map<string, Live>();
  private readonly loading = new Map<string, Promise<Live>>();
  private readonly policy: Policy;
  private slotSeq = 0;

  constructor(private readonly options: HealthGateOptions = {}) {
    this.policy = options.policy ?? builtInPolicy();
  }

  admit(domain: string, now: number): GateDecision | Promise<GateDecision> {
    const key = domain.toLowerCase();
    const live = this.live.get(key);
    const refreshMs = this.options.refreshMs ?? null;
    if (live && (refreshMs === null || now - live.readAt < refreshMs)) return this.withSlot(live, this.decide(live, now), now);
    const ready = live ? this.refresh(live, now) : this.load(key, now);
    return ready.then((l) => this.withSlot(l, this.decide(l, now), now));
  }

  async observe(domain: string, outcome: AttemptOutcome): Promise<void> {
    const live = this.live.get(domain.toLowerCase()) ?? (await this.load(domain.toLowerCase(), outcome.at));
    const limits = this.limitsOf(live);
    const before = { health: live.health.health, level: live.health.level };
    if (before.health === 'probing' && live.probesOut > 0) live.probesOut--;
    if (live.health.health === 'open') await this.countStrike(live, outcome);
    const event = recordOutcome(live.health, outcome, limits, this.options.triggers);
    if (suspensionTrigger(outcome, this.options.triggers)) live.window = limits.initialConnections;
    else if (outcome.classification.class === 'success') live.window = Math.min(limits.connections, live.window + 1);
    if (event?.type === 'destination.resumed') {
      live.window = limits.initialConnections;
      live.bucket = this.bucketFor(live);
      live.probesOut = 0;
    }
    if (event) this.options.onEvent?.(event);
    const h = live.health;
    if (event || h.health !== before.health || h.level !== before.level) await this.options.store?.save(h, event ? [event] : [], outcome.at);
  }

  /**
   * While open, the failures in a row are counted in the store, so a restart does not forget them
   * and every node adds to one count (`recordOutcome` then adds this outcome to what the store
   * had before it). A suspension another node stored meanwhile is taken as it is: no second
   * `destination.suspended` for one incident. A sign of life resets the count, written only when
   * there is one to reset.
   */
  private async countStrike(live: Live, outcome: AttemptOutcome): Promise<void> {
    const strike = this.options.store?.strike;
    if (!strike) return;
    const h = live.health;
    const failed = suspensionTrigger(outcome, this.options.triggers) !== null;
    if (!failed && h.strikes === 0 && live.storedStrikes === 0) return;
    const stored = await strike.call(this.options.store, h.domain, !failed, outcome.at);
    live.storedStrikes = stored.strikes;
    if (!failed) return;
    if (stored.health === 'suspended' && stored.suspendedUntil !== null && stored.suspendedUntil > outcome.at) {
      h.health = 'suspended';
      h.suspendedUntil = stored.suspendedUntil;
      h.strikes = 0;
      live.window = this.limitsOf(live).initialConnections;
      return;
    }
    h.strikes = stored.strikes - 1;
  }

  /** Every destination seen, for tests and `rebound destinations`. */
  snapshot(): DestinationHealth[] {
    return [...this.live.values()].map((l) => structuredClone(l.health));
  }

  /** Deliveries under way per domain. */
  inFlight(domain: string): number {
    return this.live.get(domain.toLowerCase())?.inFlight ?? 0;
  }

  private decide(live: Live, now: number): GateDecision {
    const h = live.health;
    const limits = this.limitsOf(live);
    if (h.health === 'suspended') {
      if (now < h.suspendedUntil!) return this.hold(live, h.suspendedUntil!, `destination ${h.domain} suspended after ${h.lastTrigger ?? 'failures'} until ${iso(h.suspendedUntil!)}`);
      h.health = 'probing';
      live.probesOut = 0;
      void Promise.resolve(this.options.store?.save(h, [], now)).catch(() => {
        // the next observed outcome writes the state again
      });
    }
    if (h.health === 'probing') {
      if (live.probesOut > 0 && now - live.probeAt > LOST_PROBE_WAITS * limits.suspension.probeWaitMs) live.probesOut = 0;
      if (live.probesOut >= limits.suspension.probes) return this.hold(live, now + limits.suspension.probeWaitMs, `destination ${h.domain}: waiting for the probe delivery`);
      live.probesOut++;
      live.probeAt = now;
      h.counters.probes++;
      return this.start(live);
    }
    const cap = Math.min(live.window, limits.connections);
    if (live.inFlight >= cap) {
      const wait = Math.max(1000, limits.messagesPerMinute ? 60_000 / limits.messagesPerMinute : 0);
      return this.hold(live, now + wait, `destination ${h.domain}: ${live.inFlight} deliveries in flight (limit ${cap} of ${limits.connections})`);
    }
    const slot = live.bucket?.take(now) ?? { ok: true as const };
    if (!slot.ok) {
      const ramping = h.resumedAt !== null && rampShare(h, now, limits) < 1;
      return this.hold(live, slot.at, `destination ${h.domain}: rate limit ${limits.messagesPerMinute}/min${ramping ? ' (ramping up after a suspension)' : ''}`);
    }
    return this.start(live);
  }

  /**
   * Several nodes: an admission this node would allow also needs one of the destination's
   * cluster-wide slots; without one the delivery is held like any other over the limit.
   */
  private withSlot(live: Live, decision: GateDecision, now: number): GateDecision | Promise<GateDecision> {
    const slots = this.options.slots;
    if (!slots || !decision.admit) return decision;
    const domain = live.health.domain;
    const limits = this.limitsOf(live);
    const holder = `${slots.holder}#${++this.slotSeq}`;
    const limit = live.health.health === 'probing' ? limits.suspension.probes : limits.connections;
    return slots.store.acquireSlot(domain, holder, limit, now, now + slots.leaseMs).then((got) => {
      if (!got) {
        decision.release();
        // a probe that never went out is not one to wait for
        if (live.health.health === 'probing' && live.probesOut > 0) live.probesOut--;
        const wait = Math.max(1000, limits.messagesPerMinute ? 60_000 / limits.messagesPerMinute : 0);
        return this.hold(live, now + wait, `destination ${domain}: ${limit} deliveries in flight across the cluster`);
      }
      return {
        admit: true,
        release: () => {
          decision.release();
          slots.store.releaseSlot(domain, holder).catch((err: unknown) => this.options.onError?.(err as Error, `release slot ${domain}`));
        },
      };
    }, (err: unknown) => {
      decision.release();
      throw err;
    });
  }

  /**
   * Another node may have suspended this destination, or resumed it after its probe: a later
   * suspension in the stored row wins over what this node knows, and a resumption ends this
   * node's probing.
   */
  private async refresh(live: Live, now: number): Promise<Live> {
    live.readAt = now;
    const stored = await this.options.store?.load(live.health.domain);
    if (!stored) return live;
    const h = live.health;
    const limits = this.limitsOf(live);
    h.level = Math.max(h.level, stored.level);
    if (stored.health === 'suspended' && stored.suspendedUntil !== null && stored.suspendedUntil > now
      && (h.health !== 'suspended' || (h.suspendedUntil ?? 0) < stored.suspendedUntil)) {
      h.health = 'suspended';
      h.suspendedUntil = stored.suspendedUntil;
      h.lastTrigger = stored.lastTrigger ?? h.lastTrigger;
      live.window = limits.initialConnections;
    } else if (stored.health === 'open' && h.health === 'probing') {
      h.health = 'open';
      h.suspendedUntil = null;
      h.resumedAt = now;
      live.probesOut = 0;
      live.window = limits.initialConnections;
      live.bucket = this.bucketFor(live);
    }
    return live;
  }

  private start(live: Live): GateDecision {
    live.inFlight++;
    let released = false;
    return {
      admit: true,
      release: () => {
        if (released) return;
        released = true;
        live.inFlight--;
      },
    };
  }

  private hold(live: Live, until: number, why: string): GateDecision {
    live.health.counters.held++;
    return { admit: false, until, why };
  }

  private limitsOf(live: Live): DestinationLimits {
    return limitsFor(this.policy, live.health.domain);
  }

  private bucketFor(live: Live): TokenBucket | null {
    if (this.limitsOf(live).messagesPerMinute === null) return null;
    // while ramping, the burst shrinks with the rate: a resumed server is not hit by a burst
    return new TokenBucket(
      (t) => {
        const limits = this.limitsOf(live);
        return Math.floor(limits.initialConnections * rampShare(live.health, t, limits));
      },
      (t) => {
        const limits = this.limitsOf(live);
        return 60_000 / (limits.messagesPerMinute! * rampShare(live.health, t, limits));
      },
    );
  }

  private load(key: string, now: number): Promise<Live> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = Promise.resolve(this.options.store?.load(key) ?? null).then((stored) => {
      const existing = this.live.get(key);
      if (existing) return existing;
      const health = stored ?? freshHealth(key);
      const live: Live = { health, inFlight: 0, window: 0, bucket: null, probesOut: 0, probeAt: 0, readAt: now, storedStrikes: health.strikes };
      live.window = this.limitsOf(live).initialConnections;
      live.bucket = this.bucketFor(live);
      this.live.set(key, live);
      this.loading.delete(key);
      return live;
    }, (err: unknown) => {
      this.loading.delete(key);
      throw new Error(`cannot load the health of destination ${key}: ${(err as Error)?.message ?? err}`, { cause: err });
    });
    this.loading.set(key, p);
    return p;
  }
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
