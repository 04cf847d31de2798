import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { phaseIn } from './helpers.ts';
import { enclosedText } from '../message.ts';
import type { RawRecipient } from '../types.ts';

// Trend Micro InterScan (MSS / IMSS / VirusWall) notifications:
//
//   Sent <<< RCPT TO:<jane@example.org>
//   Received >>> 550 5.1.1 <jane@example.org>... user unknown
//
// or "Unable to deliver message to <jane@example.org> (and other recipients in the same domain)."
// sometimes followed by a Sendmail-style transcript ("<<< 550 5.1.1 …") that says why.

const FROM = /InterScan/i;
const MARK = /Message from InterScan Messaging Security Suite|^Sent <<< RCPT TO:/im;
const SENT_RECEIVED = /^Sent <<< ((?:RCPT TO|MAIL FROM|DATA)[^\n]*)\n(?:[^\n]*\n){0,2}?Received >>> ([^\n]+)/gim;
const UNABLE = /Unable to deliver message to <([^>\n]+)>/g;
const REMOTE_REPLY = /^<<< ([245]\d\d[ -][^\n]+)/m;

export const trendmicro: BounceFormat = {
  name: 'trendmicro',
  match: (msg) => FROM.test(msg.from) || MARK.test(msg.body),
  extract(msg) {
    const recipients: RawRecipient[] = [];
    for (const m of msg.body.matchAll(SENT_RECEIVED)) {
      const recipient = cleanAddress(/<([^>]+)>/.exec(m[1])?.[1]);
      if (recipient) recipients.push({ recipient, diagnostic: m[2].trim(), phase: phaseIn(m[1]), dsnAction: 'failed' });
    }
    if (recipients.length > 0) return { recipients };
    // the enclosed message is at times the relay's own bounce, with the remote reply in it
    const reply = REMOTE_REPLY.exec(msg.body)?.[1] ?? REMOTE_REPLY.exec(enclosedText(msg))?.[1];
    for (const m of msg.body.matchAll(UNABLE)) {
      const recipient = cleanAddress(m[1]);
      if (recipient) recipients.push({ recipient, diagnostic: reply ?? `Unable to deliver message to <${recipient}>`, dsnAction: 'failed' });
    }
    return { recipients };
  },
};
