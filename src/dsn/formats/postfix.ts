import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// Postfix's notification text, read when the report has no usable delivery-status part:
//
//   This is the mail system at host mail.example.jp.
//   …
//   <jane@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1
//       <jane@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)
//
// One block per recipient: "<address>: text" (or "<address> (expanded from <alias>): text"),
// continuation lines indented. Also the postmaster copy "Postfix SMTP server: errors from …",
// a session transcript ("In: RCPT TO:<…>" / "Out: 451 4.3.0 …").

const MARK = /^This is the (?:Postfix|mail system) program at host |^This is the mail system at host /m;
// bounce_print_wrap() may break the line inside "(expanded from <…>)", continuing it indented
const BLOCK = /^<([^<>\n]+)>(?:[ \t]*\n?[ \t]*\(expanded[ \t]+from[ \t]*\n?[ \t]*<([^<>\n]*)>\))?:[ \t]*(.*(?:\n[ \t]+\S.*)*)/gm;
const HOST_SAID = /^host (\S+?)\[[^\]]*\] said:\s*/i;
const IN_REPLY_TO = /\s*\(in reply to ([^)]*?) command\)\.?\s*$/i;
const SMTPD_SUBJECT = /^Postfix SMTP server: errors from /i;

/** The "<address>: text" blocks of a Postfix (or Postfix-like) notification. */
export function postfixBlocks(text: string): RawRecipient[] {
  const out: RawRecipient[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const recipient = cleanAddress(m[1]);
    if (!recipient) continue;
    let diagnostic = m[3].replace(/\n[ \t]+/g, ' ').trim();
    const host = HOST_SAID.exec(diagnostic);
    if (host) diagnostic = diagnostic.slice(host[0].length);
    const reply = IN_REPLY_TO.exec(diagnostic);
    if (reply) diagnostic = diagnostic.slice(0, reply.index);
    // the alias the sender wrote (Postfix's orig_addr), as a DSN's Original-Recipient would give it
    const originalRecipient = m[2] ? cleanAddress(m[2]) : null;
    out.push({ recipient, originalRecipient, diagnostic, remoteMta: host?.[1].toLowerCase() ?? null, phase: reply ? phaseIn(reply[1]) : null });
  }
  return out;
}

/** "In: RCPT TO:<jane@…>" … "Out: 451 4.3.0 Error: queue file write error": the last refusal speaks for the recipients. */
function smtpdTranscript(text: string): RawRecipient[] {
  const joined = text.replace(/\n[ \t]{3,}(?=\S)/g, ' ');
  const recipients: string[] = [];
  let lastCommand = '';
  let refusal: { reply: string; command: string } | null = null;
  for (const line of joined.split('\n')) {
    const cmd = /^\s*In:\s+(.*)$/.exec(line);
    if (cmd) {
      lastCommand = cmd[1];
      const rcpt = /^RCPT TO:\s*<([^>]+)>/i.exec(cmd[1]);
      const a = rcpt ? cleanAddress(rcpt[1]) : null;
      if (a) recipients.push(a);
      continue;
    }
    const out = /^\s*Out:\s+([45]\d\d[ -].*)$/.exec(line);
    if (out) refusal = { reply: out[1], command: lastCommand };
  }
  if (!refusal) return [];
  return recipients.map((recipient) => ({ recipient, diagnostic: refusal!.reply, phase: phaseIn(refusal!.command) }));
}

// Postfix's own fields in its delivery-status part: present whatever language a site's bounce
// template (bounce(5)) gives the text, while the "<address>: … (in reply to … command)" lines
// below the template are written by Postfix itself, in ASCII
const POSTFIX_FIELDS = /^X-Postfix-(?:Queue-ID|Sender)[ \t]*:/im;

export const postfix: BounceFormat = {
  name: 'postfix',
  match: (msg) => MARK.test(msg.body) || SMTPD_SUBJECT.test(msg.subject) || msg.deliveryStatus.some((part) => POSTFIX_FIELDS.test(part)),
  extract(msg) {
    if (SMTPD_SUBJECT.test(msg.subject)) return { recipients: smtpdTranscript(msg.body) };
    return { recipients: postfixBlocks(beforeReturnedMessage(msg.body)) };
  },
};
