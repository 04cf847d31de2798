import type { Policy } from '../policy/types.ts';
import type { SubmitWrite } from '../store/store.ts';
import type { AddressRecord, DeliveryRecord, MessageRecord, NewEvent } from '../store/types.ts';
import { addressAt, addressReactivated } from './address-lifecycle.ts';
import type { FailureCause } from './events.ts';
import { newId } from './ids.ts';
import { addressKey } from './address-key.ts';

export class SubmitError extends Error {
  override name = 'SubmitError';
}

export interface NewMessage {
  from: string;
  raw: Buffer | string;
  /** The sender's own Message-ID, when known (echoed back in events and bounces). */
  originalMessageId?: string | null;
  /** The sender's label for the send it belongs to (a campaign, a stream). */
  tag?: string | null;
}

const MAX_RECIPIENTS = 10_000;
// RFC 5321 §4.5.3.1: 64-octet local part, 255-octet domain; no spaces, angle brackets or control
// characters (a BEL or NUL would go out verbatim in RCPT TO).
const ADDRESS = /^[^\s@<>"\x00-\x1f\x7f]{1,64}@[a-z0-9_.-]{1,255}$/;

/** Whether an address key (see addressKey) is one Rebound can send to. */
export function isDeliverableAddress(email: string): boolean {
  return ADDRESS.test(email) && !email.endsWith('.') && !email.includes('..');
}

/** Lower-cased, de-duplicated recipients, each with its domain; a bad one refuses the whole submission. */
export function normalizeRecipients(recipients: readonly string[]): Array<{ email: string; domain: string }> {
  if (recipients.length === 0) throw new SubmitError('a message needs at least one recipient');
  if (recipients.length > MAX_RECIPIENTS) throw new SubmitError(`at most ${MAX_RECIPIENTS} recipients per message, got ${recipients.length}`);
  const seen = new Map<string, { email: string; domain: string }>();
  for (const r of recipients) {
    const email = typeof r === 'string' ? addressKey(r) : '';
    if (!isDeliverableAddress(email)) {
      throw new SubmitError(`not a recipient address: ${JSON.stringify(String(r).slice(0, 100))}`);
    }
    if (!seen.has(email)) seen.set(email, { email, domain: email.slice(email.lastIndexOf('@') + 1) });
  }
  return [...seen.values()];
}

/**
 * A submission as a pure decision: one queued delivery per recipient, except that a suppressed
 * address, or one in its cool-off, gets a delivery that fails at once (the sender learns why
 * from `delivery.failed`, and the message is kept, so an operator can see what was refused).
 * An address whose cool-off has ended is reactivated on the way.
 */
export function planSubmit(policy: Policy, now: number, message: NewMessage, recipients: Array<{ email: string; domain: string }>,
  addresses: ReadonlyMap<string, AddressRecord>): SubmitWrite {
  const raw = typeof message.raw === 'string' ? Buffer.from(message.raw) : message.raw;
  const msg: MessageRecord = { id: newId('msg', now), from: message.from, raw, originalMessageId: message.originalMessageId ?? null, tag: message.tag ?? null, createdAt: now };
  const deliveries: DeliveryRecord[] = [];
  const changed: AddressRecord[] = [];
  const events: NewEvent[] = [];
  for (const { email, domain } of recipients) {
    const id = newId('dlv', now);
    let address = addresses.get(email) ?? null;
    if (address && addressAt(address, now) !== address) {
      const step = addressReactivated(address, now, 'cool-off', { deliveryId: null, domain });
      address = step.address;
      changed.push(address);
      events.push(...step.events);
    }
    const refused: FailureCause | null = address?.status === 'suppressed' ? 'address-suppressed' : address?.status === 'unavailable' ? 'address-unavailable' : null;
    const base: DeliveryRecord = {
      id, messageId: msg.id, recipient: email, domain, status: 'queued', attempts: 0, maxAttempts: null,
      nextAttemptAt: now, firstDeferredAt: null, expiresAt: null, lastOutcome: null, rule: null,
      delayWarningAt: policy.delayWarning === null ? null : now + policy.delayWarning,
      lockedBy: null, lockedUntil: null, createdAt: now, updatedAt: now,
    };
    if (refused) {
      deliveries.push({ ...base, status: 'failed', nextAttemptAt: null, delayWarningAt: null, rule: `address/${address!.status}` });
      events.push({
        at: now, type: 'delivery.failed', deliveryId: id, recipient: email, domain,
        data: { attempts: 0, cause: refused, action: 'none', reason: address!.reason, until: address!.until },
      });
    } else {
      deliveries.push(base);
    }
  }
  return { message: msg, deliveries, addresses: changed, events };
}
