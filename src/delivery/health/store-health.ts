import type { Store } from '../../store/store.ts';
import type { DestinationRecord, NewEvent } from '../../store/types.ts';
import { freshHealth, type DestinationHealth, type HealthEvent } from './destination-health.ts';
import type { HealthStore } from './health-gate.ts';

/**
 * The gate's health kept in the engine's store: health and suspension in the destinations
 * table, destination.suspended / destination.resumed in the outbox, in one transaction. The
 * counters there are the engine's (it records every attempt); the backoff level and the ramp
 * live in the process that observed them, so a restart during an incident begins the backoff
 * again from the first length — never shorter than the stored suspension, which is honoured.
 */
export function healthStoreFor(store: Store): HealthStore {
  return {
    async load(domain) {
      const r = await store.getDestination(domain);
      return r ? fromRecord(r) : null;
    },
    async save(h, events, at) {
      await store.updateDestinationHealth(h.domain, { health: h.health, suspendedUntil: h.suspendedUntil }, at, events.map(toNewEvent));
    },
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
  if (h.health === 'suspended' && h.suspendedUntil === null) h.health = 'probing';
  return h;
}

export function toNewEvent(e: HealthEvent): NewEvent {
  const { type, at, domain, ...data } = e;
  return { at, type, deliveryId: null, recipient: null, domain, data };
}
