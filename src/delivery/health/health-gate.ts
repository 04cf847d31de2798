import type { DestinationGate, GateDecision } from '../../engine/destination-gate.ts';
import type { AttemptOutcome } from '../../engine/transport.ts';
import { DEFAULT_LIMITS_CONFIG, limitsFor, type DestinationLimits, type LimitsConfig } from '../limits.ts';
import { freshHealth, rampShare, recordOutcome, type DestinationHealth, type HealthEvent } from './destination-health.ts';
import { TokenBucket } from './token-bucket.ts';
import type { SuspensionTrigger } from './triggers.ts';

/**
 * Where destination health is kept beyond this process (the store's destinations table) and
 * where its events go (the store's event outbox). Both optional: without them the gate keeps
 * health in memory only.
 */
export interface HealthStore {
  load(domain: string): DestinationHealth | null | Promise<DestinationHealth | null>;
  save(health: DestinationHealth): void | Promise<void>;
  emit(event: HealthEvent): void | Promise<void>;
}

export interface HealthGateOptions {
  limits?: LimitsConfig;
  store?: HealthStore;
  triggers?: SuspensionTrigger[];
  /** Called with every event as well (logs, metrics). */
  onEvent?: (event: HealthEvent) => void;
}

interface Live {
  health: DestinationHealth;
  inFlight: number;
  bucket: TokenBucket;
  /** A probe was admitted and its outcome has not been seen yet. */
  probeOut: boolean;
  probeAt: number;
}

/** A probe whose outcome never came (a crashed worker) is given up after this many probe waits. */
const LOST_PROBE_WAITS = 5;

/**
 * The DestinationGate of issue 5: per recipient domain, a suspension on 421 / 4.3.2 / connect
 * failure (longer after each failed probe), one probe once it is over, a ramped release after
 * the probe succeeds, a token bucket for messages per minute and a cap on deliveries in flight.
 * A refusal carries the time to come back; the scheduler keeps the delivery's attempt count and
 * never moves it earlier than its own schedule.
 */
export class HealthGate implements DestinationGate {
  private readonly live = new Map<string, Live>();
  private readonly loading = new Map<string, Promise<Live>>();
  private readonly limits: LimitsConfig;

  constructor(private readonly options: HealthGateOptions = {}) {
    this.limits = options.limits ?? DEFAULT_LIMITS_CONFIG;
  }

  admit(domain: string, now: number): GateDecision | Promise<GateDecision> {
    const key = domain.toLowerCase();
    const live = this.live.get(key);
    if (live) return this.decide(live, now);
    return this.load(key).then((l) => this.decide(l, now));
  }

  async observe(domain: string, outcome: AttemptOutcome): Promise<void> {
    const live = this.live.get(domain.toLowerCase()) ?? (await this.load(domain.toLowerCase()));
    const wasProbing = live.health.health === 'probing';
    const event = recordOutcome(live.health, outcome, this.limitsOf(live), this.options.triggers);
    if (wasProbing) live.probeOut = false;
    if (event) {
      if (event.type === 'destination.resumed') live.bucket = this.bucketFor(live);
      this.options.onEvent?.(event);
      await this.options.store?.emit(event);
    }
    await this.options.store?.save(live.health);
  }

  /** Every destination seen, for `rebound destinations` and tests. */
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
      void this.options.store?.save(h);
    }
    if (h.health === 'probing') {
      const lost = live.probeOut && now - live.probeAt > LOST_PROBE_WAITS * limits.suspension.probeWaitMs;
      if (live.probeOut && !lost) return this.hold(live, now + limits.suspension.probeWaitMs, `destination ${h.domain}: waiting for the probe delivery`);
      live.probeOut = true;
      live.probeAt = now;
      h.counters.probes++;
      return this.start(live);
    }
    if (live.inFlight >= limits.connections) {
      return this.hold(live, now + Math.max(1000, 60_000 / limits.messagesPerMinute), `destination ${h.domain}: ${live.inFlight} deliveries in flight (limit ${limits.connections})`);
    }
    const slot = live.bucket.take(now);
    if (!slot.ok) return this.hold(live, slot.at, `destination ${h.domain}: rate limit ${limits.messagesPerMinute}/min${h.resumedAt !== null && rampShare(h, now, limits) < 1 ? ' (ramping up after a suspension)' : ''}`);
    return this.start(live);
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
    return limitsFor(this.limits, live.health.domain, live.health.host);
  }

  private bucketFor(live: Live): TokenBucket {
    // while ramping, the burst shrinks with the rate: a resumed server is not hit by a burst
    return new TokenBucket(
      (t) => Math.floor(this.limitsOf(live).burst * rampShare(live.health, t, this.limitsOf(live))),
      (t) => {
        const limits = this.limitsOf(live);
        return 60_000 / (limits.messagesPerMinute * rampShare(live.health, t, limits));
      },
    );
  }

  private load(key: string): Promise<Live> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = Promise.resolve(this.options.store?.load(key) ?? null).then((stored) => {
      const existing = this.live.get(key);
      if (existing) return existing;
      const live: Live = { health: stored ?? freshHealth(key), inFlight: 0, bucket: null as unknown as TokenBucket, probeOut: false, probeAt: 0 };
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
