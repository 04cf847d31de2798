import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import type { RawRecipient } from '../types.ts';

// Zoho Mail:
//
//   This message was created automatically by mail delivery software.
//   A message that you sent could not be delivered to one or more of its recipients. …
//
//   jane@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <jane@…>... User Unknown
//
// and the delay warning: "[Status: Error, Address: <jane@…>, ResponseCode 421, , Host not reachable.]"

const FROM = /@(?:[\w-]+\.)*zoho\.(?:com|eu|in|com\.au|jp)\b/i;
const FAILED = /^([^\s@]{1,128}@[^\s@]{1,255})\s+(?:[^,\n]*,\s*)?ERROR_CODE\s*:\s*(\d{3})?,\s*ERROR_CODE\s*:\s*(.*(?:\n(?![ \t]*\n).*)*)/gm;
const DELAYED = /\[Status: \w+, Address: <([^>]+)>, ResponseCode (\d{3})?,\s*[^,]*,\s*([^\]]*)\]/g;

export const zoho: BounceFormat = {
  name: 'zoho',
  match: (msg) => FROM.test(msg.from) || /Zoho Mail/i.test(msg.headers.get('x-mailer') ?? ''),
  extract(msg) {
    const recipients: RawRecipient[] = [];
    for (const m of msg.body.matchAll(FAILED)) {
      const recipient = cleanAddress(m[1]);
      if (recipient) recipients.push({ recipient, diagnostic: `${m[2] ?? ''} ${m[3].replace(/\s+/g, ' ')}`.trim(), dsnAction: 'failed' });
    }
    for (const m of msg.body.matchAll(DELAYED)) {
      const recipient = cleanAddress(m[1]);
      if (recipient) recipients.push({ recipient, diagnostic: `${m[2] ?? ''} ${m[3]}`.trim(), dsnAction: 'delayed' });
    }
    return { recipients };
  },
};
