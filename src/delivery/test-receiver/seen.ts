/** What a test receiver saw, for tests to assert on (times are in the receiver's `now()`). */

export interface SeenRcpt {
  at: number;
  from: string;
  recipient: string;
  /** The reply code the receiver gave (250 when accepted), or null for stall / drop. */
  code: number | null;
}

export interface SeenMessage {
  at: number;
  from: string;
  recipients: string[];
  /** The Message-ID header, without angle brackets, or null when the message had none. */
  messageId: string | null;
  /** Every X-Rebound-ID header value found in the message. */
  reboundIds: string[];
  /** The DSN parameters the sender gave (RFC 3461): RET and ENVID of MAIL FROM, each RCPT's ORCPT. */
  dsn: { ret: string | null; envid: string | null; orcpt: Array<string | null> };
  bytes: number;
  /** The header block as received (bounded), for tests that look at stamped headers. */
  headers: string;
}

export class Seen {
  connections = 0;
  ehlo = 0;
  mailFrom = 0;
  rcpt = 0;
  dataCommands = 0;
  /** Messages refused after the final dot (or dropped / stalled there). */
  refusedMessages = 0;
  /** Messages accepted after the final dot, and the recipients they carried. */
  acceptedCount = 0;
  acceptedRecipients = 0;
  readonly rcptByRecipient = new Map<string, number>();
  readonly rcptLog: SeenRcpt[] = [];
  readonly messages: SeenMessage[] = [];
  /** Keep the per-event logs; a benchmark sink turns this off and keeps the counts only. */
  constructor(private readonly keepLog = true) {}

  recordRcpt(entry: SeenRcpt): void {
    this.rcpt++;
    this.rcptByRecipient.set(entry.recipient, (this.rcptByRecipient.get(entry.recipient) ?? 0) + 1);
    if (this.keepLog) this.rcptLog.push(entry);
  }

  recordMessage(entry: SeenMessage): void {
    this.acceptedCount++;
    this.acceptedRecipients += entry.recipients.length;
    if (this.keepLog) this.messages.push(entry);
  }

  /** RCPT commands seen for one address (case-insensitive). */
  rcptFor(address: string): number {
    return this.rcptByRecipient.get(address.toLowerCase()) ?? 0;
  }

  /** Recipients of accepted messages, each as often as it was accepted. */
  deliveredTo(): string[] {
    return this.messages.flatMap((m) => m.recipients);
  }

  /** Accepted messages by Message-ID (without angle brackets), and how often each arrived. */
  acceptedByMessageId(): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.messages) if (m.messageId !== null) out.set(m.messageId, (out.get(m.messageId) ?? 0) + 1);
    return out;
  }

  /** RCPT commands seen in [from, to) of the receiver's clock. */
  rcptBetween(from: number, to: number): number {
    return this.rcptLog.filter((r) => r.at >= from && r.at < to).length;
  }
}
