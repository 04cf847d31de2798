import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// Gmail's plain-text notification (before Google moved to RFC 3464 reports):
//
//   Delivery to the following recipient failed permanently:
//        jane@example.org
//   Technical details of permanent failure:
//   Google tried to deliver your message, but it was rejected by the server for the recipient
//   domain example.org by mx.example.org. [192.0.2.1].
//   The error that the other server returned was:
//   550 5.1.1 <jane@example.org>... User Unknown
//
// Delays say "has been delayed" and "Technical details of temporary failure".

const FROM_GOOGLE = /mailer-daemon@(?:googlemail|gmail|google)\.com/i;
const LIST = /Delivery to the following recipients? (failed permanently|has been delayed|have been delayed):?/;
const DETAILS = /Technical details of (?:permanent|temporary) failure:\s*([\s\S]*)$/;
const SERVER_SAID = /The error that the other server returned was:\s*/;
const REJECTED_BY = /rejected by the server for the recipient domain \S+ by (\S+?)\.? \[/;
const BOILERPLATE = /^Google tried to deliver your message, but it was rejected by (?:the recipient domain|the server for the recipient domain \S+ by \S+ \[[^\]]*\])\.\s*(?:We recommend contacting the other email provider for further information about the cause of this error\.\s*)?/;
const CONNECT_FAILED = /did not accept our requests to connect/i;

export const gmail: BounceFormat = {
  name: 'gmail',
  match: (msg) => FROM_GOOGLE.test(msg.from) && LIST.test(msg.body),
  extract(msg) {
    const text = beforeReturnedMessage(msg.body);
    const list = LIST.exec(text);
    if (!list) return null;
    const delayed = list[1].includes('delayed');
    // the indented addresses, up to the first blank line after them
    const after = text.slice(list.index + list[0].length, list.index + list[0].length + 20_000);
    const addresses = after.split(/\n[ \t]*\n(?=\S)/)[0];
    let details = DETAILS.exec(text)?.[1].trim() ?? '';
    const remoteMta = REJECTED_BY.exec(details)?.[1] ?? null;
    const said = SERVER_SAID.exec(details);
    details = said ? details.slice(said.index + said[0].length) : details.replace(BOILERPLATE, '');
    // Gmail repeats the basic code ("550 550 5.1.1 …") and appends its own "(state 14)"
    details = details.replace(/^([245]\d\d) \1\b/, '$1').replace(/\s*\(state \d+\)\.?\s*$/, '').trim();
    const recipients: RawRecipient[] = findAddresses(addresses).map((recipient) => ({
      recipient,
      diagnostic: details,
      remoteMta,
      dsnAction: delayed ? 'delayed' : 'failed',
      // "failed permanently" after days of refused connections: the retry period ran out
      ...(!delayed && CONNECT_FAILED.test(details) ? { reason: 'expired' as const, reasonRule: 'gmail/gave-up-connecting' } : {}),
    }));
    return { recipients };
  },
};
