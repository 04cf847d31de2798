import type { Classification, Reason } from '../classify/types.ts';
import type { SmtpPhase } from '../smtp/types.ts';

export type BounceKind = 'dsn' | 'autoreply' | 'feedback' | 'other';

/** The DSN Action field (RFC 3464 §2.3.3). */
export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

/**
 * One recipient of a bounce, classified. The classification's fields are spread in, so `action`
 * is Rebound's action (retry / suppress / fix-sender / none); the DSN's own Action field is
 * `dsnAction`.
 */
export interface BounceRecipient extends Classification {
  recipient: string;
  /** The Original-Recipient, when the report gives one that differs. */
  originalRecipient: string | null;
  dsnAction: DsnAction | null;
  /** The enhanced status code believed (Status field or the text, whichever is more specific). */
  status: string | null;
  /** What the receiving side said, as reported (Diagnostic-Code or the bounce text). */
  diagnostic: string;
  /** The server that answered (Remote-MTA or the host the text names). */
  remoteMta: string | null;
  /** The MTA that wrote the report (Reporting-MTA), when known. */
  reportingMta: string | null;
  /** Last-Attempt-Date and Will-Retry-Until as written (RFC 5322 dates). */
  lastAttempt: string | null;
  willRetryUntil: string | null;
  /** ARF feedback type (abuse, fraud, opt-out, auth-failure…) for kind 'feedback'. */
  feedbackType: string | null;
}

export interface ParsedBounce {
  /** A delivery failure or delay report (kind 'dsn' with at least one recipient). */
  isBounce: boolean;
  kind: BounceKind;
  /** The format that read it: "postfix", "exim", "rfc3464", "arf", "rfc3834"…; null when none did. */
  mta: string | null;
  /** Message-ID, From and Subject of the returned (original) message, when the bounce carries them. */
  originalMessageId: string | null;
  originalFrom: string | null;
  originalSubject: string | null;
  /**
   * Rebound's delivery id: the X-Rebound-ID header of the returned message, else the report's
   * Original-Envelope-Id (Rebound sends each delivery id as the ENVID, RFC 3461). A transaction
   * that carried several deliveries returns them space-separated; the engine picks the one whose
   * recipient the report names.
   */
  deliveryId: string | null;
  /** The Original-Envelope-Id of the report (RFC 3464 §2.2.1): the ENVID the sender gave, xtext-decoded. */
  envelopeId: string | null;
  /**
   * The recipient a VERP return path encodes (bounces+jane=example.org@…), read from the
   * address the bounce was delivered to (Delivered-To, X-Original-To, Envelope-To, To).
   */
  verpRecipient: string | null;
  /** The bounce's own Message-ID, Subject and Date. */
  messageId: string | null;
  subject: string;
  date: string | null;
  recipients: BounceRecipient[];
  /** Why the input could not be read at all (not an email, empty…); null otherwise. */
  error: string | null;
  /** Caps that bit and oddities met on the way (truncated input, missing boundary…). */
  notes: string[];
}

/** What a format module extracts for one recipient, before classification. */
export interface RawRecipient {
  recipient: string;
  originalRecipient?: string | null;
  dsnAction?: DsnAction | null;
  /** Enhanced status code the report states outright (a Status field, a "(#5.1.1)" suffix). */
  status?: string | null;
  /** The receiving side's words, or the MTA's own explanation. */
  diagnostic: string;
  remoteMta?: string | null;
  reportingMta?: string | null;
  lastAttempt?: string | null;
  willRetryUntil?: string | null;
  /** SMTP command the diagnostic answered, when the report says. */
  phase?: SmtpPhase | null;
  /**
   * The reason when the words say nothing more specific: the MTA gave up after retrying ("in the
   * queue too long") is `expired` only if the last error itself does not tell why.
   */
  fallbackReason?: Reason;
  /**
   * Delivery was to a local program (a pipe, procmail: "X-Unix;" diagnostics). What it printed
   * is about itself, so the reason is mailererror — unless it reports the mailbox's storage.
   */
  localProgram?: boolean;
  /** A reason the format knows for certain (Google Groups' "no such group" etc.), with its rule id. */
  reason?: Reason;
  reasonRule?: string;
  feedbackType?: string | null;
}

export interface FormatResult {
  recipients: RawRecipient[];
  kind?: BounceKind;
  /** Overrides the format name, e.g. an RFC 3464 report whose Reporting-MTA says "postfix". */
  mta?: string;
}
