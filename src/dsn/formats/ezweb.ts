import type { BounceFormat } from './format.ts';
import { cleanAddress, findAddresses } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// au (KDDI) EZweb mobile mail, "Mail System Error - Returned Mail" from Postmaster@ezweb.ne.jp:
// Japanese prose, then an English sentence saying why, then the recipients:
//
//   Each of the following recipients was rejected by a remote mail server.
//       Recipient: <jane@ezweb.ne.jp>
//       >>> RCPT TO:<jane@ezweb.ne.jp>
//       <<< 550 <jane@ezweb.ne.jp>: User unknown
//
// The sentence alone decides when the remote server said nothing: a recipient "rejected" with no
// reply was refused by the handset owner's own domain filter.

const FROM = /@ezweb\.ne\.jp|@au\.com/i;
const SUBJECT = /^Mail System Error - Returned Mail/i;
const RECIPIENT_LINE = /^[ \t]*Recipient: <([^>\n]+)>/gm;

export const ezweb: BounceFormat = {
  name: 'ezweb',
  match: (msg) => FROM.test(msg.from) && SUBJECT.test(msg.subject),
  extract(msg) {
    const text = beforeReturnedMessage(msg.body);
    const recipients: RawRecipient[] = [];
    const listed = [...text.matchAll(RECIPIENT_LINE)];
    if (listed.length > 0) {
      listed.forEach((m, i) => {
        const recipient = cleanAddress(m[1]);
        if (!recipient) return;
        const block = text.slice(m.index! + m[0].length, listed[i + 1]?.index ?? text.length);
        const command = /^[ \t]*>>> (.*)$/m.exec(block)?.[1] ?? '';
        const reply = [...block.matchAll(/^[ \t]*<<< (.*)$/gm)].map((r) => r[1]).join('\n');
        recipients.push({ recipient, diagnostic: reply, phase: phaseIn(command), dsnAction: 'failed' });
      });
      return { recipients };
    }
    // no per-recipient detail: the English sentences before the addresses say why
    const english = text.split('\n').map((l) => l.trim()).filter((l) => /^[\x20-\x7e]+$/.test(l) && !/^<[^>]+>$/.test(l) && !/^(?:Received|From|To|Subject|Date|Message-Id|Mime-Version|Content-[\w-]+):/i.test(l));
    const domainFilter = /rejected by a remote\s+mail server/i.test(text) && !/<<< /.test(text);
    const addresses = findAddresses(text.split(/^-{10,}$/m)[0]).filter((a) => /@ezweb\.ne\.jp$|@au\.com$/i.test(a));
    for (const recipient of addresses) {
      recipients.push({
        recipient,
        diagnostic: english.join(' ').slice(0, 500),
        dsnAction: 'failed',
        ...(domainFilter ? { reason: 'filtered' as const, reasonRule: 'ezweb/rejected-by-domain-filter' } : {}),
      });
    }
    return { recipients };
  },
};
