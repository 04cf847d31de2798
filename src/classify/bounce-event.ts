import type { Classification } from './types.ts';

/**
 * The one shape every input becomes (own SMTP reply, DSN email, ESP webhook) before the engine
 * decides anything. Produced by smtp/, dsn/ and webhooks/; consumed by engine/.
 */
export interface BounceEvent {
  /** Where it came from. */
  source: 'smtp' | 'dsn' | 'webhook' | 'api' | 'resend';
  /** Provider or MTA that reported it ("sendgrid", "postfix", …), when known. */
  provider: string | null;
  /** Idempotency key: the provider's event id, the DSN's Message-ID + recipient, or an attempt id. */
  eventId: string | null;
  /**
   * Whose ids `eventId` is unique among, when not the source's: a bounce email's ids are its own
   * (`email`), so the same report taken in over SMTP and again over HTTP is applied once.
   */
  eventIdScope?: string;
  recipient: string;
  /**
   * The address the sender wrote, when the report names one that differs from `recipient`
   * (a DSN's Original-Recipient, the ORCPT Rebound sends: the address before an alias or a
   * forward rewrote it). A bounce tied to no delivery acts on this address.
   */
  originalRecipient?: string | null;
  /**
   * Rebound's delivery id when the input names it (X-Rebound-ID header, ENVID, VERP, webhook
   * metadata); several space-separated when one transaction carried several deliveries.
   */
  deliveryId: string | null;
  /** The sender's own message id, when known. */
  originalMessageId: string | null;
  /** Epoch milliseconds in the engine's clock. */
  at: number;
  /** Receiving server (MX host) the outcome came from, when known. */
  destination: string | null;
  /**
   * For a complaint (reason `feedback`): its kind, as ARF's Feedback-Type names it (abuse, fraud,
   * opt-out, not-spam, auth-failure, virus, other); null or absent for an ESP's complaint event.
   */
  feedbackType?: string | null;
  /** The full reply or diagnostic text as received. */
  response: string;
  classification: Classification;
}
