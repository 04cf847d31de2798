import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// Google Groups refusing a post: a letter in the sender's language ("the group you tried to
// contact (name) may not exist, or you may not have permission to post messages to the group"),
// with the group's address only in X-Failed-Recipients. Not a mailbox problem: the group
// rejected the sender.

const FROM_GOOGLE = /mailer-daemon@(?:googlemail|gmail|google)\.com/i;
const GROUPS = /groups\.google\.com|Google (?:Groups|グループ)/;

export const googleGroups: BounceFormat = {
  name: 'googlegroups',
  match: (msg) => FROM_GOOGLE.test(msg.from) && msg.headers.has('x-failed-recipients') && GROUPS.test(msg.body),
  extract(msg) {
    const text = msg.body.split(/^-{3,} ?Original message ?-{3,}/m)[0];
    const diagnostic = text.replace(/\s+/g, ' ').trim().slice(0, 600);
    const recipients: RawRecipient[] = findAddresses(msg.headers.getAll('x-failed-recipients').join(',')).map((recipient) => ({
      recipient,
      diagnostic,
      dsnAction: 'failed',
      reason: 'rejected',
      reasonRule: 'googlegroups/cannot-post-to-group',
    }));
    return { recipients };
  },
};
