import type { BounceEvent } from '../classify/bounce-event.ts';
import type { Classification } from '../classify/types.ts';
import type { PayloadLimits } from './read-payload.ts';

/** The ESPs whose event webhooks Rebound reads. */
export const PROVIDERS = ['ses', 'sendgrid', 'mailgun', 'postmark', 'sparkpost'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * The classifier's documented signature (src/classify): a reply text in, what it means out.
 * Injected so a normalizer uses the same configured rules as the rest of the service.
 */
export type Classifier = (input: string) => Classification;

/**
 * What an ESP event says happened, in Rebound's words (the ESP's own word stays in
 * `providerType`): `delayed` the ESP will try again by itself; `bounced` the ESP stopped after a
 * refusal (soft or hard); `dropped` the ESP never tried (its suppression list, a rendering
 * failure, a virus); `delivered`; `complained` the recipient marked it as spam; `auto-replied`.
 */
export type Outcome = 'delayed' | 'bounced' | 'dropped' | 'delivered' | 'complained' | 'auto-replied';

/** One ESP event for one recipient, normalized. */
export interface NormalizedEvent {
  kind: 'event';
  provider: ProviderName;
  /** The provider's own name for it: "deferred", "Bounce/Transient/MailboxFull", "bounce/21". */
  providerType: string;
  outcome: Outcome;
  /** Whether the ESP says it keeps retrying this message by itself. */
  espRetrying: boolean;
  /** When the provider says it happened (epoch ms, provider's wall clock), when it says. */
  reportedAt: number | null;
  event: BounceEvent;
}

/** An event type Rebound does not know: kept and counted, never dropped silently. */
export interface UnknownEvent {
  kind: 'unknown';
  provider: ProviderName;
  providerType: string | null;
  eventId: string | null;
  recipient: string | null;
  /** Why it could not be normalized ("unknown event type", "no recipient"). */
  why: string;
}

/** A known event that says nothing about delivery (opens, clicks, "processed"): counted, not applied. */
export interface IgnoredEvent {
  kind: 'ignored';
  provider: ProviderName;
  providerType: string;
  eventId: string | null;
  why: string;
}

/** The SNS subscription handshake: the receiver confirms by fetching `subscribeUrl`. */
export interface ControlMessage {
  kind: 'control';
  provider: 'ses';
  action: 'subscription-confirmation' | 'unsubscribe-confirmation';
  topicArn: string | null;
  messageId: string | null;
  subscribeUrl: string | null;
  token: string | null;
}

export type WebhookResult = NormalizedEvent | UnknownEvent | IgnoredEvent | ControlMessage;

export interface ResultCounts {
  event: number;
  unknown: number;
  ignored: number;
  control: number;
}

/** Everything one webhook POST held, in order. */
export interface NormalizedBatch {
  provider: ProviderName;
  results: WebhookResult[];
  counts: ResultCounts;
}

export interface NormalizeOptions {
  classify: Classifier;
  /** Engine time for each event's `at` (the moment Rebound learned of it). */
  now: () => number;
  /** Body size and batch length limits; DEFAULT_LIMITS when not given. */
  limits?: PayloadLimits;
}

/** One provider module's entry point: a parsed JSON body in, every event in it out. */
export type Normalizer = (payload: unknown, options: NormalizeOptions) => WebhookResult[];
