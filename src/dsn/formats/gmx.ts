import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// GMX, WEB.DE and 1&1 (IONOS) — the United Internet mail systems. Exim's wording, their own layout:
//
//   … This is a permanent error. The following address failed:
//
//   "jane@example.org":
//   SMTP error from remote server after RCPT command:
//   host: mx.example.org
//   5.1.1 <jane@example.org>... User Unknown
//
// or "The following address failed:\n\njane@example.org\n\nFor the following reason:\n\n…", or
// "<jane@example.org>\n\nReason:\ndelivery retry timeout exceeded".

const FROM = /kundenserver\.|@(?:[\w.-]+\.)?(?:gmx\.(?:net|com|de|at|ch)|web\.de|kundenserver\.de|1und1\.de|ionos\.\w+|mail\.com)\b/i;
const LIST = /The following address(?:\(es\)|es)?\s+failed:\s*\n/;
const HEAD = /^"?<?([^\s"<>@]{1,128}@[^\s"<>@]{1,255}?)>?"?:?\s*$/;
const NOISE = /^(?:For the following reason:|Reason:)$/i;
const SMTP_CONTEXT = /^SMTP error from remote server (?:after|for) ([A-Z ]+?) command[:,]?\s*(?:host:?\s*(\S+)(?: \([^)]*\))?\s*)?(?:reason:\s*)?/i;

export const gmx: BounceFormat = {
  name: 'gmx',
  match: (msg) => FROM.test(msg.from) && LIST.test(msg.body),
  extract(msg) {
    const text = beforeReturnedMessage(msg.body);
    const start = LIST.exec(text);
    if (!start) return null;
    const blocks: Array<{ recipient: string; lines: string[] }> = [];
    for (const raw of text.slice(start.index + start[0].length).split('\n')) {
      const line = raw.trim();
      if (line === '' || NOISE.test(line)) continue;
      const head = HEAD.exec(line);
      const recipient = head ? cleanAddress(head[1]) : null;
      if (recipient) blocks.push({ recipient, lines: [] });
      else if (blocks.length > 0) blocks[blocks.length - 1].lines.push(line);
    }
    const recipients: RawRecipient[] = blocks.map((b) => {
      let diagnostic = b.lines.join('\n');
      let remoteMta: string | null = null;
      let phase = null;
      const ctx = SMTP_CONTEXT.exec(diagnostic.replace(/\n/g, ' '));
      if (ctx) {
        phase = phaseIn(ctx[1]);
        remoteMta = ctx[2]?.toLowerCase() ?? null;
        diagnostic = diagnostic.replace(/\n/g, ' ').slice(ctx[0].length);
      }
      const host = /^host:\s*(\S+)\s*/im.exec(diagnostic);
      if (host) {
        remoteMta ??= host[1].toLowerCase();
        diagnostic = diagnostic.replace(host[0], '');
      }
      return { recipient: b.recipient, diagnostic: diagnostic.trim(), remoteMta, phase, dsnAction: 'failed' };
    });
    return { recipients };
  },
};
