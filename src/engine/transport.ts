import type { Classification } from '../classify/types.ts';
import type { SmtpPhase } from '../smtp/types.ts';
import type { AttemptSource } from '../store/types.ts';

/**
 * The contract between the engine (which decides when to try) and delivery/ (which tries).
 * The engine hands over due deliveries grouped by message and recipient domain, so one SMTP
 * transaction can carry several recipients; the transport answers one outcome per delivery.
 */
export interface DeliveryJob {
  deliveryId: string;
  messageId: string;
  /** 1-based number of the attempt being made now. */
  attempt: number;
  /** Idempotency key of this attempt: recording its outcome twice changes nothing. */
  attemptId: string;
  from: string;
  recipient: string;
  /** Recipient domain, lower-case. */
  domain: string;
  /** The full RFC 5322 message. The transport stamps Rebound's own header (X-Rebound-ID). */
  raw: Buffer;
}

/** What one attempt of one delivery produced. */
export interface AttemptOutcome {
  deliveryId: string;
  attemptId: string;
  /** When the attempt finished, engine clock. */
  at: number;
  /** The MX host (or relay) that answered, or null when none was reached. */
  destination: string | null;
  /** Where in the conversation the deciding reply came. */
  phase: SmtpPhase | null;
  /** The full reply text (all lines) or the network error message. */
  response: string;
  classification: Classification;
  durationMs: number;
  /** Who made the attempt when not our own SMTP: `resend` for a POST to the sender's resend hook. */
  source?: AttemptSource;
  /** A reported complaint's kind (BounceEvent.feedbackType), when the outcome is one. */
  feedbackType?: string | null;
}

export interface Transport {
  /**
   * Tries every job once. Must resolve with exactly one outcome per job, never rejecting for SMTP
   * failures, with one exception: once `signal` aborts (the worker is stopping), jobs not yet on
   * the wire are left out of the answer, and the scheduler gives them back to the queue untried.
   */
  deliver(jobs: DeliveryJob[], signal?: AbortSignal): Promise<AttemptOutcome[]>;
  close(): Promise<void>;
}

/** The header Rebound stamps on every outgoing message; a returned bounce carries it back. */
export const REBOUND_ID_HEADER = 'X-Rebound-ID';
