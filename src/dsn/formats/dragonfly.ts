import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// DragonFly Mail Agent (dma), the small MTA of DragonFly BSD and others:
//
//   There was an error delivering your mail to <jane@example.org>.
//
//   mx.example.org [192.0.2.1] did not like our RCPT TO:
//   550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown
//
//   Message headers follow.

const MARK = /^This is the DragonFly Mail Agent\b/m;
const PER_RECIPIENT = /^There was an error delivering your mail to (<[^>\n]*>|\S+)\.?\s*$/gm;
const DID_NOT_LIKE = /^(\S+)(?: \[[^\]]*\])? did not like our ([^:\n]+):\s*$/m;
const END = /^Message headers follow\.?\s*$/m;

export const dragonfly: BounceFormat = {
  name: 'dragonfly',
  match: (msg) => MARK.test(msg.body) || /DragonFly Mail Agent/.test(msg.headers.raw('received') ?? ''),
  extract(msg) {
    const end = END.exec(msg.body)?.index ?? msg.body.length;
    const text = msg.body.slice(0, end);
    const starts = [...text.matchAll(PER_RECIPIENT)];
    const recipients: RawRecipient[] = [];
    starts.forEach((m, i) => {
      const recipient = cleanAddress(m[1]);
      if (!recipient) return;
      let body = text.slice(m.index! + m[0].length, starts[i + 1]?.index ?? text.length).trim();
      const host = DID_NOT_LIKE.exec(body);
      if (host) body = body.slice(host.index + host[0].length).trim();
      recipients.push({ recipient, diagnostic: body, remoteMta: host?.[1] ?? null, phase: host ? phaseIn(host[2]) : null, dsnAction: 'failed' });
    });
    return { recipients };
  },
};
