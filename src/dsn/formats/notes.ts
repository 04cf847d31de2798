import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import { section } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// Lotus Notes / Domino's SMTP MTA:
//
//   ------- Failure Reasons  --------
//
//   User not listed in public Name & Address Book
//   jane@example.org
//
//   ------- Returned Message --------

const REASONS = /^-{7} Failure Reasons\s+-{8}\s*$/m;
const RETURNED = /^-{7} Returned Message\s+-{8}\s*$/m;

export const notes: BounceFormat = {
  name: 'notes',
  match: (msg) => REASONS.test(msg.body),
  extract(msg) {
    const text = section(msg.body, [REASONS], [RETURNED]);
    if (text === null) return null;
    const recipients: RawRecipient[] = [];
    let why: string[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      const addresses = findAddresses(line);
      if (addresses.length > 0 && line.replace(/[<>]/g, '') === addresses[0]) {
        recipients.push({ recipient: addresses[0], diagnostic: why.join(' '), dsnAction: 'failed' });
        why = [];
      } else why.push(line);
    }
    return { recipients };
  },
};
