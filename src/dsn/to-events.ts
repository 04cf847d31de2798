import type { BounceEvent } from '../classify/bounce-event.ts';
import type { Classification } from '../classify/types.ts';
import type { BounceRecipient, ParsedBounce } from './types.ts';

export interface ToEventsOptions {
  /** When the bounce arrived, epoch milliseconds in the engine's clock. */
  at: number;
  /** Where the email came from: the inbound SMTP listener ('dsn', the default) or the API. */
  source?: BounceEvent['source'];
}

function classification(r: BounceRecipient): Classification {
  return {
    basic: r.basic, enhanced: r.enhanced, class: r.class, type: r.type, reason: r.reason, hardbounce: r.hardbounce,
    retryable: r.retryable, action: r.action, recipient: r.recipient, rule: r.rule, text: r.text,
  };
}

/**
 * The engine's view of a parsed bounce: one BounceEvent per recipient. Feedback reports and
 * auto-replies become events too (reason feedback / vacation, action none) so the engine can
 * record them; a recipient with no address (a complaint that names none) is left out. The
 * event id is the bounce's Message-ID plus the recipient, so a bounce delivered twice is
 * recognized as the same event.
 */
export function bounceToEvents(parsed: ParsedBounce, options: ToEventsOptions): BounceEvent[] {
  if (parsed.error !== null) return [];
  const events: BounceEvent[] = [];
  for (const r of parsed.recipients) {
    if (r.recipient === '') continue;
    events.push({
      source: options.source ?? 'dsn',
      provider: parsed.mta,
      eventId: parsed.messageId ? `${parsed.messageId}:${r.recipient.toLowerCase()}` : null,
      recipient: r.recipient,
      originalRecipient: r.originalRecipient,
      deliveryId: parsed.deliveryId,
      originalMessageId: parsed.originalMessageId,
      at: options.at,
      destination: r.remoteMta,
      response: r.diagnostic,
      classification: classification(r),
    });
  }
  return events;
}
