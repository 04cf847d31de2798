import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { section } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// Exchange 2007 and later, Microsoft 365 / Outlook.com: the human part is prose; the facts are in
// "Diagnostic information for administrators":
//
//   Generating server: mx.example.com
//
//   jane@example.org
//   Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found …'
//
// (older: "jane@example.org\n#550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found ##", and with the
// server that answered in front: "mx.example.org #554 5.7.1 <jane@example.org>: Relay access denied ##").
// Read when the report has no usable delivery-status part.

const DIAGNOSTIC_INFO = /^Diagnostic information for administrators:\s*$/m;
const END = [/^Original message headers:\s*$/m, /^-{3,}/m];
const RETURNED = /^Remote Server returned '([\s\S]*?)'\s*$/m;
const HASHED = /^(?:([A-Za-z0-9][A-Za-z0-9.-]{0,253}) )?#([245]\d\d[\s\S]*?)##?\s*$/m;
const GENERATED_BY = /^Generating server:\s*(\S+)/m;

export const exchange2007: BounceFormat = {
  name: 'exchange2007',
  match: (msg) => DIAGNOSTIC_INFO.test(msg.body),
  extract(msg) {
    const text = section(msg.body, [DIAGNOSTIC_INFO], END);
    if (text === null) return null;
    const server = GENERATED_BY.exec(text)?.[1] ?? null;
    const recipients: RawRecipient[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const recipient = /^\s*<?[^\s<>@]{1,128}@[^\s<>@]{1,255}>?\s*$/.test(lines[i]) ? cleanAddress(lines[i]) : null;
      if (!recipient) continue;
      const rest = lines.slice(i + 1, i + 8).join('\n');
      const returned = RETURNED.exec(rest);
      const hashed = returned ? null : HASHED.exec(rest);
      const reply = returned?.[1] ?? hashed?.[2] ?? '';
      const remoteMta = hashed?.[1]?.toLowerCase() ?? null;
      recipients.push({ recipient, diagnostic: reply.replace(/\s+/g, ' ').trim(), reportingMta: server, remoteMta, dsnAction: 'failed' });
    }
    const office365 = server !== null && /\.outlook\.com$|\.office365\.com$|\.protection\.outlook\.com$|\.prod\.exchangelabs\.com$/i.test(server);
    return { recipients, mta: office365 ? 'office365' : 'exchange2007' };
  },
};
