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
//
// and Domino's delivery failure report (Subject "DELIVERY FAILURE: …"), often beside a
// delivery-status part that has only "Status: 5.0.0":
//
//   Your message
//
//     Subject: Price list
//
//   was not delivered to:
//
//     jane@example.org
//
//   because:
//
//     User jane (jane@example.org) not listed in Domino Directory
//
// (or with each value on its label's line: "was not delivered to: jane@example.org" / "because:
// 5.1.2 - Bad destination host 'DNS Hard Error looking up example.org (A): …'")

const REASONS = /^-{7} Failure Reasons\s+-{8}\s*$/m;
const RETURNED = /^-{7} Returned Message\s+-{8}\s*$/m;
const NOT_DELIVERED_TO = /^[ \t]*was not delivered to:[ \t]*/m;
const BECAUSE = /^[ \t]*because:[ \t]*/m;

/** The "was not delivered to: … because: …" report: its addresses, and the paragraph after "because:". */
function dominoReport(body: string): RawRecipient[] | null {
  const to = NOT_DELIVERED_TO.exec(body);
  if (!to) return null;
  const rest = body.slice(to.index + to[0].length);
  const because = BECAUSE.exec(rest);
  if (!because) return null;
  const list = rest.slice(0, because.index);
  const after = rest.slice(because.index + because[0].length);
  const why = after.replace(/^\s*\n/, '').split(/\n[ \t]*\n/)[0].replace(/\s+/g, ' ').trim().slice(0, 2000);
  return findAddresses(list).slice(0, 100).map((recipient) => ({ recipient, diagnostic: why, dsnAction: 'failed' }));
}

export const notes: BounceFormat = {
  name: 'notes',
  match: (msg) => REASONS.test(msg.body) || (NOT_DELIVERED_TO.test(msg.body) && BECAUSE.test(msg.body)),
  extract(msg) {
    const text = section(msg.body, [REASONS], [RETURNED]);
    if (text === null) {
      const recipients = dominoReport(msg.body);
      return recipients ? { recipients, mta: 'domino' } : null;
    }
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
