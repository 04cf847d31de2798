import type { BounceFormat } from './format.ts';
import { cleanAddress, findAddresses } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// Verizon Wireless's MMS and SMS gateways (vzwpix.com, vtext.com):
//
//   Message could not be delivered to mobile.
//   Error: No valid recipients for this MM
//
// or "Error: Invalid user address\nError message below:\n550 - Requested action not taken: no
// such user here\n…\n  RCPT TO: 5551234567@vtext.com".

const FROM = /@(?:[\w-]+\.)*(?:vzwpix\.com|vtext\.com|vzw\.com)/i;

export const verizon: BounceFormat = {
  name: 'verizon',
  match: (msg) => FROM.test(msg.from) && /^Error:/m.test(msg.body),
  extract(msg) {
    const error = /^Error:\s*(.+)$/m.exec(msg.body)?.[1].trim() ?? '';
    const below = /^Error message below:\s*\n(.+)$/m.exec(msg.body)?.[1].trim();
    const diagnostic = below ? below.replace(/^([245]\d\d)\s+-\s+/, '$1 ') : error;
    let addresses = findAddresses(/^[ \t]*RCPT TO:\s*(.+)$/im.exec(msg.body)?.[1] ?? '');
    if (addresses.length === 0) addresses = findAddresses(/^[ \t]*To:\s*(.+)$/m.exec(msg.body.split(/^Original Message:/m)[1] ?? '')?.[1] ?? '');
    const recipients: RawRecipient[] = addresses.map((a) => cleanAddress(a)).filter((a): a is string => a !== null)
      .map((recipient) => ({ recipient, diagnostic, dsnAction: 'failed' }));
    return { recipients };
  },
};
