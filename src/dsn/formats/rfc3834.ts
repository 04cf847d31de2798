import type { BounceFormat } from './format.ts';
import { mailboxAddress } from '../address.ts';

// Automatic replies (RFC 3834 "Auto-Submitted: auto-replied", and the vendor marks that predate
// it): out-of-office and vacation notices. Not bounces: the person who is away comes back with
// reason "vacation". Tried only after every bounce format, since bounce emails carry
// Auto-Submitted too.

// Outlook's "Automatic reply:" in the languages it writes it (German "Automatische Antwort:",
// Swedish "Automatiskt svar:", Polish "Odpowiedź automatyczna:", Russian "Автоматический ответ:",
// Japanese "自動応答:", Chinese "自动答复:"…). Not followed by a letter: \b would never match after CJK.
const AUTO_SUBJECT = /^(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|automatische antwort|out of (?:the )?office|away from (?:the )?office|away until|on vacation|vacation(?: reply)?|abwesenheit|r[ée]ponse automatique|risposta automatica|respuesta autom[áa]tica|resposta autom[áa]tica|automatisch antwoord|automatiskt? svar|automaattinen vastaus|automatick[áa] odpov[ěe]ď|odpowied[źz] automatyczna|otomatik yan[ıi]t|автоматический ответ|自動応答|自動返信|自动答复|自動回覆|자동 회신)(?![\p{L}\p{N}])/iu;
const AUTO_HEADERS: ReadonlyArray<[string, RegExp]> = [
  ['auto-submitted', /^auto-replied/i],
  ['x-autoreply', /./],
  ['x-autorespond', /./],
  ['x-autoresponder', /./],
  ['x-apple-action', /vacation/i],
  ['precedence', /^auto[_-]reply$/i],
];

function isAutoReply(headers: { get(name: string): string | undefined }, subject: string): boolean {
  if (AUTO_HEADERS.some(([name, re]) => re.test(headers.get(name) ?? ''))) return true;
  return AUTO_SUBJECT.test(subject.trim()) && headers.get('x-auto-response-suppress') !== undefined;
}

export const rfc3834: BounceFormat = {
  name: 'rfc3834',
  // a mail system's own message is a bounce this parser could not read, never an auto-reply
  match: (msg) => (isAutoReply(msg.headers, msg.subject) || AUTO_SUBJECT.test(msg.subject.trim())) && !/mailer-daemon|postmaster/i.test(msg.from),
  extract(msg) {
    const recipient = mailboxAddress(msg.headers.get('from'));
    if (!recipient) return null;
    return {
      kind: 'autoreply',
      recipients: [{
        recipient,
        diagnostic: msg.body.replace(/\s+/g, ' ').trim().slice(0, 300),
        reason: 'vacation',
        reasonRule: 'rfc3834/auto-reply',
      }],
    };
  },
};
