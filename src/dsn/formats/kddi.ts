import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// KDDI (au one net, dion) notice:
//
//   Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900
//        Could not be delivered to: <jane@example.dion.ne.jp>
//        As their mailbox is full.

const LINE = /Could not be delivered to: <([^>\n]+)>\s*\n\s*(.+)/g;

export const kddi: BounceFormat = {
  name: 'kddi',
  match: (msg) => /Could not be delivered to: </.test(msg.body) && /^Your mail sent on:/m.test(msg.body),
  extract(msg) {
    const recipients: RawRecipient[] = [];
    for (const m of msg.body.matchAll(LINE)) {
      const recipient = cleanAddress(m[1]);
      if (recipient) recipients.push({ recipient, diagnostic: m[2].trim(), dsnAction: 'failed' });
    }
    return { recipients };
  },
};
