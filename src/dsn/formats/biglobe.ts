import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import { section } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// BIGLOBE (NEC's Japanese ISP) mail system:
//
//      ----- The following addresses had delivery problems -----
//   jane@example.biglobe.ne.jp
//
//      ----- Non-delivered information -----
//   The number of messages in recipient's mailbox exceeded the local limit.

const FROM = /@(?:[\w-]+\.)*biglobe\.ne\.jp/i;
const LIST = /^[ \t]*-{5} The following addresses had delivery problems -{5}\s*$/m;
const INFO = /^[ \t]*-{5} Non-delivered information -{5}\s*$/m;

export const biglobe: BounceFormat = {
  name: 'biglobe',
  match: (msg) => FROM.test(msg.from) && INFO.test(msg.body),
  extract(msg) {
    const list = section(msg.body, [LIST], [INFO]) ?? '';
    const info = (section(msg.body, [INFO], [/^-{2,}/m]) ?? '').trim();
    const recipients: RawRecipient[] = findAddresses(list).map((recipient) => ({ recipient, diagnostic: info, dsnAction: 'failed' }));
    return { recipients };
  },
};
