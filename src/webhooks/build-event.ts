import type { NormalizeOptions, NormalizedEvent, Outcome, ProviderName, UnknownEvent, IgnoredEvent } from './types.ts';
import { classifyWithVerdict } from './verdict.ts';
import type { ProviderVerdict } from './verdict.ts';

/** The facts a provider module read from one event for one recipient. */
export interface EventFacts {
  provider: ProviderName;
  providerType: string;
  outcome: Outcome;
  espRetrying: boolean;
  eventId: string;
  recipient: string;
  /** The receiving server's reply (or the provider's description when there is none). */
  response: string;
  /**
   * What the classifier reads, when not `response`: a provider's generic description of its own
   * category ("…blocked by the user, or classified as spam…") would mislead the rules, so only a
   * real reply is classified and the verdict says the rest.
   */
  classifyText?: string;
  verdict: ProviderVerdict;
  reportedAt: number | null;
  deliveryId: string | null;
  originalMessageId: string | null;
  destination: string | null;
  /**
   * A complaint's ARF Feedback-Type when the ESP passes it on (SES complaintFeedbackType,
   * SparkPost fbtype): a "not-spam" or "auth-failure" report is no request to stop. Absent: the
   * ESP's complaint event is a press of "report spam".
   */
  feedbackType?: string | null;
}

export function buildEvent(f: EventFacts, options: NormalizeOptions): NormalizedEvent {
  const classification = classifyWithVerdict(f.classifyText ?? f.response, f.verdict, options.classify);
  return {
    kind: 'event',
    provider: f.provider,
    providerType: f.providerType,
    outcome: f.outcome,
    espRetrying: f.espRetrying,
    reportedAt: f.reportedAt,
    event: {
      source: 'webhook',
      provider: f.provider,
      eventId: f.eventId,
      recipient: f.recipient,
      deliveryId: f.deliveryId,
      originalMessageId: f.originalMessageId,
      at: options.now(),
      destination: f.destination,
      response: f.response,
      classification: { ...classification, recipient: classification.recipient ?? f.recipient },
      ...(f.feedbackType ? { feedbackType: f.feedbackType.toLowerCase() } : {}),
    },
  };
}

export function unknownEvent(provider: ProviderName, providerType: string | null, why: string, ids: { eventId?: string | null; recipient?: string | null } = {}): UnknownEvent {
  return { kind: 'unknown', provider, providerType, eventId: ids.eventId ?? null, recipient: ids.recipient ?? null, why };
}

export function ignoredEvent(provider: ProviderName, providerType: string, why: string, eventId: string | null = null): IgnoredEvent {
  return { kind: 'ignored', provider, providerType, eventId, why };
}
