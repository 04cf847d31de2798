import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { indentOf } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// Microsoft Exchange 5.5–2003 (and the Internet Mail Service before it):
//
//   Your message
//     To:      jane@example.org
//     Subject: Hello
//   did not reach the following recipient(s):
//
//   jane@example.org on Thu, 29 Apr 2010 00:00:00 -0000
//       The recipient name is not recognized
//       MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient

const MARK = /did not reach the following recipient\(s\):|The following recipient\(s\) could not be reached:/;
const RECIPIENT = /^\s*([^\s@]{1,128}@[^\s@]{1,255}?) on (.+)$/;
const MTS_ID = /^The MTS-ID of the original message is:/i;

export const exchange2003: BounceFormat = {
  name: 'exchange2003',
  match: (msg) => MARK.test(msg.body),
  extract(msg) {
    const text = beforeReturnedMessage(msg.body);
    const start = MARK.exec(text);
    if (!start) return null;
    const recipients: Array<RawRecipient & { lines: string[] }> = [];
    let skipContinuation = false;
    for (const line of text.slice(start.index + start[0].length).split('\n')) {
      const head = RECIPIENT.exec(line);
      const recipient = head ? cleanAddress(head[1]) : null;
      if (head && recipient) {
        recipients.push({ recipient, diagnostic: '', lastAttempt: head[2].trim(), dsnAction: 'failed', lines: [] });
        continue;
      }
      const current = recipients[recipients.length - 1];
      if (!current || line.trim() === '') continue;
      // the MTS-ID wraps onto a line of its own, unindented; neither says why
      if (MTS_ID.test(line.trim())) {
        skipContinuation = true;
        continue;
      }
      if (skipContinuation && indentOf(line) === 0 && /^;|l=/.test(line)) continue;
      skipContinuation = false;
      current.lines.push(line.trim());
    }
    return { recipients: recipients.map(({ lines, ...r }) => ({ ...r, diagnostic: lines.join(' ') })) };
  },
};
