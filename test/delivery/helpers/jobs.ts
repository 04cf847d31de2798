import { readFileSync } from 'node:fs';
import type { DeliveryJob } from '../../../src/engine/transport.ts';

let seq = 0;

/** A delivery job as the engine would hand it over. */
export function job(recipient: string, overrides: Partial<DeliveryJob> = {}): DeliveryJob {
  seq++;
  const messageId = overrides.messageId ?? `msg-${seq}`;
  return {
    deliveryId: `d-${seq}`,
    messageId,
    attempt: 1,
    attemptId: `d-${seq}:1`,
    from: 'sender@rebound.test',
    recipient,
    domain: recipient.split('@')[1]!.toLowerCase(),
    raw: Buffer.from(`Message-ID: <${messageId}@rebound.test>\r\nFrom: sender@rebound.test\r\nTo: ${recipient}\r\nSubject: test ${seq}\r\n\r\nHello.\r\n`),
    ...overrides,
  };
}

const dir = new URL('../fixtures/tls/', import.meta.url);
/** The test-only key and self-signed certificate (see fixtures/tls/README.md). */
export const testTls = {
  key: readFileSync(new URL('receiver.key', dir)),
  cert: readFileSync(new URL('receiver.crt', dir)),
};
