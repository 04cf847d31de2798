import type { BounceFormat } from './format.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { qmailStyleBlocks } from './qmail-style.ts';

// qmail-send (and its forks: netqmail, indimail, s/qmail):
//
//   Hi. This is the qmail-send program at mx.example.jp.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out.
//
//   <jane@example.org>:
//   Sorry, no mailbox here by that name. (#5.1.1)

const MARK = /^Hi\. This is the qmail[-\w]* program at |^I'm afraid I wasn't able to deliver your message to the following addresses\./m;

export const qmail: BounceFormat = {
  name: 'qmail',
  match: (msg) => MARK.test(msg.body),
  extract: (msg) => ({ recipients: qmailStyleBlocks(beforeReturnedMessage(msg.body)) }),
};
