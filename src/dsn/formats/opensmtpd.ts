import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { section } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// OpenSMTPD:
//
//       Hi!
//       This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.
//       An error has occurred while attempting to deliver a message for
//       the following list of recipients:
//
//   jane@example.org: 550 5.1.1 <jane@example.org>... User Unknown
//
//       Below is a copy of the original message:

const MARK = /This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail\./;
const LIST = /the following\s+list of recipients:[ \t]*\n/;
const END = /^[ \t]*Below is a copy of the original message:/m;
const LINE = /^([^\s:@]{1,128}@[^\s:@]{1,255}):\s*(.*)$/;

export const opensmtpd: BounceFormat = {
  name: 'opensmtpd',
  match: (msg) => MARK.test(msg.body),
  extract(msg) {
    const list = section(msg.body, [LIST], [END]);
    if (list === null) return null;
    const recipients: RawRecipient[] = [];
    const delayed = /^Delivery status notification: delay/i.test(msg.subject);
    for (const line of list.split('\n')) {
      const m = LINE.exec(line.trim());
      const recipient = m ? cleanAddress(m[1]) : null;
      if (m && recipient) recipients.push({ recipient, diagnostic: m[2], dsnAction: delayed ? 'delayed' : 'failed' });
    }
    return { recipients };
  },
};
