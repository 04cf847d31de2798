/** Vocabulary of one SMTP reply, shared by every module (see ARCHITECTURE.md). */

/** success (2xx / 2.x.x), transient (4xx / 4.x.x), permanent (5xx / 5.x.x). */
export type ReplyClass = 'success' | 'transient' | 'permanent';

/** Which step of the SMTP conversation a reply answered, when known. */
export type SmtpPhase =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'message' // the reply after the final dot
  | 'quit';

/** When the basic and enhanced codes name different classes, which one was believed and why. */
export interface ClassConflict {
  basic: ReplyClass;
  enhanced: ReplyClass;
  winner: 'basic' | 'enhanced';
  /** id of the rule that settled it, e.g. "conflict/basic-wins". */
  rule: string;
}

/** One reply parsed once into typed facts; matching works on `text` (one normalized line). */
export interface ParsedReply {
  /** Basic reply code (451), or null when the reply carried none. */
  basic: number | null;
  /** Enhanced status code ("4.3.2", "5.7.708"), or null. */
  enhanced: string | null;
  /** The class believed (after resolving any conflict), or null when nothing says. */
  class: ReplyClass | null;
  conflict: ClassConflict | null;
  /** The human text, all lines joined by one space, codes stripped, whitespace folded. */
  text: string;
  /** The input as given (truncated for huge inputs). */
  raw: string;
  /** Recipient named by the reply (`<jane@example.org>:` or `to=<…>`), lower-cased domain. */
  recipient: string | null;
  phase: SmtpPhase | null;
  /** For failures that never produced an SMTP reply: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, TLS… */
  networkError: string | null;
}
