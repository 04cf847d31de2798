import type { Engine, NewMessage, SubmitResult } from '../../engine/engine.ts';
import type { WebhookStore } from '../../store/webhook-store.ts';
import { RESEND_URL_HEADER } from './resend-header.ts';

/**
 * Registers a message the sender has handed to its ESP: one delivery per recipient, as for our
 * own sending, and the resend URL that makes its retries POSTs (see ResendTransport). The URL is
 * stamped into the stored message's header block (so the transport choice is made from the
 * message row alone) and kept in `resend_targets`. Attempt 1 is then only recorded as handed over.
 */
export async function submitForEsp(engine: Engine, targets: Pick<WebhookStore, 'setResendTarget'>, message: NewMessage, recipients: readonly string[], resendUrl: string): Promise<SubmitResult> {
  if (!/^https?:\/\/[^\s]+$/i.test(resendUrl)) throw new RangeError(`not an http(s) resend URL: ${JSON.stringify(resendUrl.slice(0, 200))}`);
  const raw = `${RESEND_URL_HEADER}: ${resendUrl}\r\n${typeof message.raw === 'string' ? message.raw : message.raw.toString('latin1')}`;
  const result = await engine.submit({ ...message, raw: typeof message.raw === 'string' ? raw : Buffer.from(raw, 'latin1') }, recipients);
  await targets.setResendTarget(result.messageId, resendUrl);
  return result;
}
