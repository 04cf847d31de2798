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
  const expanded = expandedAliases(parsed);
  return parsed.recipients.filter((r) => r.recipient !== '').map((r) => {
    const e = event(parsed, r, options);
    // a member of an alias or list the report shows expanded: its failure is its own, not the
    // alias's, so it is tied neither to the alias nor to the alias's delivery
    return r.originalRecipient && expanded.has(r.originalRecipient.toLowerCase()) ? { ...e, originalRecipient: null, deliveryId: null } : e;
  });
}

/**
 * Aliases the report shows expanded to several addresses: an Original-Recipient that two or more
 * of its recipients came from, counting the alias itself when it is reported too (a forward that
 * keeps a copy: "jane@" full, the copy to "jane.personal@" unknown).
 */
function expandedAliases(parsed: ParsedBounce): Set<string> {
  const count = new Map<string, number>();
  for (const r of parsed.recipients) {
    if (r.originalRecipient) count.set(r.originalRecipient.toLowerCase(), (count.get(r.originalRecipient.toLowerCase()) ?? 0) + 1);
  }
  for (const r of parsed.recipients) {
    const self = r.recipient.toLowerCase();
    if (count.has(self)) count.set(self, count.get(self)! + 1);
  }
  return new Set([...count].filter(([, n]) => n > 1).map(([a]) => a));
}

function event(parsed: ParsedBounce, r: BounceRecipient, options: ToEventsOptions): BounceEvent {
  return {
    source: options.source ?? 'dsn',
    provider: parsed.mta,
    eventId: parsed.messageId ? `${parsed.messageId}:${r.recipient.toLowerCase()}` : null,
    eventIdScope: 'email',
    recipient: r.recipient,
    originalRecipient: r.originalRecipient,
    deliveryId: parsed.deliveryId,
    originalMessageId: parsed.originalMessageId,
    at: options.at,
    destination: r.remoteMta,
    response: r.diagnostic,
    feedbackType: r.feedbackType,
    classification: classification(r),
  };
}
