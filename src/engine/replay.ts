import type { AddressStatus, DeliveryStatus, EventRecord } from '../store/types.ts';

/**
 * Folds the outbox back into state. The events are meant to be a complete account of every
 * transition: replaying them must give the same statuses, attempt counts, next-attempt times
 * and cool-offs as the tables (the property tests hold the engine to it). Webhook consumers
 * can keep their own mirror the same way.
 */
export interface ReplayedDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
}

export interface ReplayedAddress {
  status: AddressStatus;
  until: number | null;
}

export interface ReplayedState {
  deliveries: Map<string, ReplayedDelivery>;
  addresses: Map<string, ReplayedAddress>;
}

/** `created`: each delivery's id and creation time (a delivery starts queued, due at once, with no event). */
export function replayEvents(events: readonly EventRecord[], created: ReadonlyMap<string, number>): ReplayedState {
  const deliveries = new Map<string, ReplayedDelivery>();
  for (const [id, at] of created) deliveries.set(id, { status: 'queued', attempts: 0, nextAttemptAt: at });
  const addresses = new Map<string, ReplayedAddress>();
  const address = (email: string) => {
    let a = addresses.get(email);
    if (!a) addresses.set(email, (a = { status: 'active', until: null }));
    return a;
  };
  for (const e of events) {
    const d = e.deliveryId ? deliveries.get(e.deliveryId) : undefined;
    switch (e.type) {
      case 'delivery.deferred':
        if (d) Object.assign(d, { status: 'deferred', attempts: Number(e.data.attempt) });
        if (e.recipient && address(e.recipient).status === 'active') address(e.recipient).status = 'deferred';
        break;
      case 'delivery.retry_scheduled':
        if (d) d.nextAttemptAt = Number(e.data.nextAttemptAt);
        break;
      case 'delivery.delivered':
        if (d) Object.assign(d, { status: 'delivered', attempts: Number(e.data.attempts), nextAttemptAt: null });
        if (e.recipient && address(e.recipient).status === 'deferred') address(e.recipient).status = 'active';
        break;
      case 'delivery.failed':
        if (d) Object.assign(d, { status: 'failed', attempts: Number(e.data.attempts), nextAttemptAt: null });
        break;
      case 'address.unavailable':
        Object.assign(address(e.recipient!), { status: 'unavailable', until: Number(e.data.until) });
        break;
      case 'address.reactivated':
        Object.assign(address(e.recipient!), { status: 'active', until: null });
        break;
      case 'address.suppressed':
        Object.assign(address(e.recipient!), { status: 'suppressed', until: null });
        break;
    }
  }
  return { deliveries, addresses };
}
