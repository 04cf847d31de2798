import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// Ipswitch IMail Server ("X-Mailer: <SMTP32 …>"): one line per failed address, the reason first:
//
//   Unknown user: jane@example.org
//   User mailbox exceeds allowed size: jane@example.org
//   Delivery failed 20 attempts: jane@example.org
//
// or, for a refusal by the remote server, "undeliverable to jane@example.org" followed by
// "Body of message generated response:" and the reply.

const MARK = /^<?SMTP32 v/i;
const REASON_LINE = /^([A-Z][^:\n]{3,80}):\s+<?([^\s<>@]{1,128}@[^\s<>@]{1,255}?)>?\s*$/gm;
const UNDELIVERABLE = /^undeliverable to <?([^\s<>@]{1,128}@[^\s<>@]{1,255}?)>?\s*$/im;
const RESPONSE = /^(?:Body of message generated response|SMTP error):[ \t]*\n([\s\S]{0,20000}?)(?:\n[ \t]*\n|$)/im;

export const imailserver: BounceFormat = {
  name: 'imailserver',
  match: (msg) => MARK.test(msg.headers.get('x-mailer') ?? ''),
  extract(msg) {
    const text = beforeReturnedMessage(msg.body);
    const recipients: RawRecipient[] = [];
    const undeliverable = UNDELIVERABLE.exec(text);
    const undeliverableTo = undeliverable ? cleanAddress(undeliverable[1]) : null;
    if (undeliverableTo) {
      const response = RESPONSE.exec(text)?.[1].trim() ?? '';
      recipients.push({ recipient: undeliverableTo, diagnostic: response, dsnAction: 'failed' });
    }
    for (const m of text.matchAll(REASON_LINE)) {
      const recipient = cleanAddress(m[2]);
      if (!recipient || /^(To|CC|From|Subject|Date)$/i.test(m[1])) continue;
      const gaveUp = /^Delivery failed \d+ attempts$/i.test(m[1]);
      recipients.push({ recipient, diagnostic: m[1], dsnAction: 'failed', ...(gaveUp ? { reason: 'expired' as const, reasonRule: 'imailserver/delivery-failed-after-attempts' } : {}) });
    }
    return { recipients };
  },
};
