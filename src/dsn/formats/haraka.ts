import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// Haraka's outbound bounce (config/outbound.bounce_message in haraka/Haraka):
//
//   Hi. This is the Haraka Mailer program at mail.example.com.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out.
//
//   Intended Recipients: <jane@example.org>
//   Failure Reason: Too many failures (Tried 2 MXs, last error: connect ECONNREFUSED 192.0.2.25:25)
//
// Usually beside a delivery-status part; this reads the reason when that part gives none.

const GREETING = /^Hi\. This is the Haraka Mailer program at /m;
const RECIPIENTS = /^Intended Recipients:[ \t]*(.*)$/m;
const REASON = /^Failure Reason:[ \t]*(.*(?:\n(?![ \t]*\n)(?!Intended Recipients:).*){0,10})/m;

export const haraka: BounceFormat = {
  name: 'haraka',
  match: (msg) => GREETING.test(msg.body),
  extract(msg) {
    const listed = RECIPIENTS.exec(msg.body);
    if (!listed) return null;
    const diagnostic = (REASON.exec(msg.body)?.[1] ?? '').replace(/\s+/g, ' ').trim();
    const recipients: RawRecipient[] = findAddresses(listed[1]).slice(0, 100).map((recipient) => ({ recipient, diagnostic, dsnAction: 'failed' }));
    return { recipients };
  },
};
