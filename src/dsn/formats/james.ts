import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// Apache James, RemoteDelivery's bounce (Bouncer.explanationText in apache/james-project):
//
//   Hi. This is the James mail server at mail.example.com.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out. Below
//   I include the list of recipients and the reason why I was unable to deliver
//   your message.
//
//   jane@example.org
//   john@example.org
//   Remote mail server told me: 550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown
//
// Every recipient of the message is listed, then one reason for all of them ("Remote mail server
// told me: …", "Unknown host: …", "Socket exception: …", a connection error). James attaches the
// original body as a bare part, so nothing after the blank line that ends the reason is read.

const GREETING = /^Hi\. This is the James mail server at [^\n]*$/m;
const LIST_STARTS = /^[^\n]*your message\.[ \t]*\n[ \t]*\n/m;
const BARE_ADDRESS = /^<?[^\s<>@]{1,128}@[^\s<>@]{1,255}>?$/;
const TOLD_ME = /^Remote mail server told me:\s*/i;

export const james: BounceFormat = {
  name: 'james',
  match: (msg) => GREETING.test(msg.body),
  extract(msg) {
    const start = GREETING.exec(msg.body)!.index;
    const list = LIST_STARTS.exec(msg.body.slice(start));
    if (!list) return null;
    const rest = msg.body.slice(start + list.index + list[0].length).split('\n');
    const addresses: string[] = [];
    const reason: string[] = [];
    for (const raw of rest) {
      const line = raw.trim();
      if (line === '') {
        if (addresses.length > 0 || reason.length > 0) break;
        continue;
      }
      if (reason.length === 0 && BARE_ADDRESS.test(line)) {
        const address = cleanAddress(line);
        if (address) addresses.push(address);
      } else {
        reason.push(line.replace(TOLD_ME, ''));
      }
      if (addresses.length + reason.length > 1000) break;
    }
    const diagnostic = reason.join('\n');
    const recipients: RawRecipient[] = addresses.map((recipient) => ({ recipient, diagnostic, dsnAction: 'failed' }));
    return { recipients };
  },
};
