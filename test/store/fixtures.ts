import type { DeliveryRecord, MessageRecord } from '../../src/store/types.ts';
import type { SubmitWrite } from '../../src/store/store.ts';

export function message(id: string, at: number, raw: Buffer | string = 'Subject: t\r\n\r\nhi\r\n'): MessageRecord {
  return { id, from: 'sender@example.net', raw: Buffer.from(raw), originalMessageId: null, tag: null, createdAt: at };
}

export function delivery(id: string, messageId: string, at: number, over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id, messageId, recipient: `${id}@example.org`, domain: 'example.org', status: 'queued', attempts: 0, maxAttempts: null,
    nextAttemptAt: at, firstDeferredAt: null, expiresAt: null, lastOutcome: null, rule: null, delayWarningAt: null,
    lockedBy: null, lockedUntil: null, createdAt: at, updatedAt: at, ...over,
  };
}

export function write(msg: MessageRecord, deliveries: DeliveryRecord[]): () => SubmitWrite {
  return () => ({ message: msg, deliveries, addresses: [], events: [] });
}
