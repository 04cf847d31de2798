import type { Store } from '../../store/store.ts';
import type { DestinationRecord, NewEvent } from '../../store/types.ts';
import { freshHealth, type DestinationHealth, type HealthEvent } from './destination-health.ts';
import type { HealthStore } from './health-gate.ts';

/**
 * The gate's health kept in the engine's store: health, suspension, the destination-level
 * failures in a row (strikes) and the backoff level in the destinations table,
 * destination.suspended / destination.resumed in the outbox, in one transaction; so a restart
 * neither forgets how close a domain was to a suspension nor starts a long incident's backoff
 * again from its first length. The other counters there are the engine's (it records every
 * attempt); the ramp after a resume lives in the process that saw it.
 */
export function healthStoreFor(store: Store): HealthStore {
  return {
    async load(domain) {
      const r = await store.getDestination(domain);
      return r ? fromRecord(r) : null;
    },
    async save(h, events, at) {
      await store.updateDestinationHealth(h.domain, { health: h.health, suspendedUntil: h.suspendedUntil, strikes: h.strikes, level: h.level }, at, events.map(toNewEvent));
    },
    strike: (domain, reset, at) => store.strikeDestination(domain, reset, at),
  };
}

export function fromRecord(r: DestinationRecord): DestinationHealth {
  const h = freshHealth(r.domain);
  h.host = r.mxHost;
  h.health = r.health;
  h.suspendedUntil = r.suspendedUntil;
  h.lastReply = r.lastReply;
  h.lastAt = r.lastAt;
  h.counters.attempts = r.attemptCount;
  h.counters.delivered = r.successCount;
  h.counters.failed = r.failureCount;
  h.strikes = r.strikes;
  h.level = r.level;
  if (h.health === 'suspended' && h.suspendedUntil === null) h.health = 'probing';
  return h;
}

export function toNewEvent(e: HealthEvent): NewEvent {
  const { type, at, domain, ...data } = e;
  return { at, type, deliveryId: null, recipient: null, domain, data };
}
