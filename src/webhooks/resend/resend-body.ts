/** What the sender's resend hook receives: enough to find the message at its ESP and send it again. */
export interface ResendRequest {
  deliveryId: string;
  recipient: string;
  /** The 1-based number of the attempt this POST is. */
  attempt: number;
  /** Why the previous attempt did not deliver (a reason name: notaccept, mailboxfull…). */
  reason: string | null;
  /** The sender's own Message-ID of the message, when it had one. */
  originalMessageId: string | null;
}

/**
 * The reply text recorded for an HTTP answer that carries no SMTP reply of its own, by status:
 * first match wins. A sender that wants a precise outcome answers with an SMTP reply as its body
 * ("452 4.2.2 mailbox full"), which is classified as it is.
 */
export const HTTP_STATUS_REPLIES: ReadonlyArray<{ status: (s: number) => boolean; reply: string; why: string }> = [
  { status: (s) => s >= 200 && s < 300, reply: '250 2.0.0', why: 'the sender took the message back to its ESP' },
  { status: (s) => s === 408 || s === 425 || s === 429, reply: '451 4.3.0', why: 'the sender asks for a later retry' },
  { status: (s) => s >= 400 && s < 500, reply: '550 5.0.0', why: 'the sender refuses this retry' },
  { status: () => true, reply: '451 4.4.1', why: 'the sender\'s system did not take the retry (server error or no answer)' },
];

export function replyForStatus(status: number): string {
  return HTTP_STATUS_REPLIES.find((r) => r.status(status))!.reply;
}
