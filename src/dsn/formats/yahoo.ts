import type { BounceFormat } from './format.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { qmailStyleBlocks } from './qmail-style.ts';

// Yahoo's (and AOL's, since they merged) failure notice, qmail-shaped:
//
//   Sorry, we were unable to deliver your message to the following address.
//
//   <jane@example.org>:
//   Remote host said: 550 5.1.1 <jane@example.org>... User Unknown [RCPT_TO]

const MARK = /^Sorry, we were unable to deliver your message to the following address/m;

export const yahoo: BounceFormat = {
  name: 'yahoo',
  match: (msg) => MARK.test(msg.body),
  extract: (msg) => ({ recipients: qmailStyleBlocks(beforeReturnedMessage(msg.body)) }),
};
