import { cleanAddress } from '../address.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// The recipient list qmail made common (and Yahoo, Verizon, many hosting MTAs copied):
//
//   <jane@example.org>:
//   192.0.2.1 does not like recipient.
//   Remote host said: 550 5.1.1 <jane@example.org>... User unknown
//   Giving up on 192.0.2.1.
//
// One block per recipient, opened by "<address>:" at the start of a line, ended by a blank line.

const BLOCK_HEAD = /^<([^<>\n]{3,320})>:?[ \t]*(.*)$/;
// Courier writes each head after one space (module.dsn/dsn.c print_receipient(): " <jane@…>:")
const INDENTED_HEAD = /^ ?<([^<>\n]{3,320})>:?[ \t]*(.*)$/;
const REMOTE_SAID = /^(?:Remote host said|Remote server replied|The remote server said):\s*/im;
const QMAIL_STATUS = /\(?#([245]\.\d{1,3}\.\d{1,3})\)?/;
// no leading \s*: unanchored, it would rescan a long run of spaces from every position in it
const GAVE_UP = /I'm not going to try again;\s*this\s+message has been in the queue too long\.?/i;
const NOISE = /^(?:Giving up on \S+?\.?|\(Other MXes tried:.*)$/i;
const CONTEXT = /^(?:From: <[^>]*> RCPT: <[^>]*>\s*)?(\S+) (?:does not like recipient|failed after I sent the message|failed on DATA command)\.?$|^Connected to (\S+) but (?:sender was rejected|greeting failed|my name was rejected|connection died)\.?$/i;

export function qmailStyleBlocks(text: string, options: { indentedHeads?: boolean } = {}): RawRecipient[] {
  const headPattern = options.indentedHeads ? INDENTED_HEAD : BLOCK_HEAD;
  const out: RawRecipient[] = [];
  let current: { recipient: string; lines: string[] } | null = null;
  const flush = (): void => {
    if (!current) return;
    out.push(toRecipient(current.recipient, current.lines));
    current = null;
  };
  for (const line of text.split('\n')) {
    const head = headPattern.exec(line);
    const address = head ? cleanAddress(head[1]) : null;
    if (head && address) {
      flush();
      current = { recipient: address, lines: head[2] ? [head[2]] : [] };
      continue;
    }
    if (!current) continue;
    if (line.trim() === '') {
      // qmail's block text starts on the head's own line or the next one; an address standing
      // alone between blank lines is a list entry of some other notice ("…undeliverable due to the
      // following reason: … <jane@example.org>"), whose next paragraph is not its reason
      if (current.lines.length > 0) flush();
      else current = null;
      continue;
    }
    current.lines.push(line.trim());
  }
  flush();
  return out;
}

function toRecipient(recipient: string, lines: string[]): RawRecipient {
  let remoteMta: string | null = null;
  let phaseText = '';
  const kept: string[] = [];
  // Courier quotes the session instead: ">>> RCPT TO:<jane@…>" then "<<< 550 …"
  const transcript = lines.filter((l) => /^<<< /.test(l));
  if (transcript.length > 0) {
    const sent = lines.filter((l) => /^>>> /.test(l)).pop() ?? '';
    const host = lines.map((l) => /^(\S+) \[[0-9a-fA-F.:]+\]:$/.exec(l)?.[1]).find(Boolean) ?? null;
    return { recipient, diagnostic: transcript.map((l) => l.slice(4)).join('\n'), remoteMta: host, phase: phaseIn(sent.slice(4)), dsnAction: 'failed' };
  }
  for (const line of lines) {
    const ctx = CONTEXT.exec(line);
    if (ctx) {
      remoteMta ??= ctx[1] ?? ctx[2] ?? null;
      phaseText = line;
      continue;
    }
    if (NOISE.test(line)) continue;
    kept.push(line);
  }
  let text = kept.join('\n');
  const gaveUp = GAVE_UP.test(text);
  text = text.replace(GAVE_UP, '').replace(REMOTE_SAID, '').trim();
  // Yahoo writes "550: 5.2.2 …" and tags the command: "[RCPT_TO]", "[MAIL_FROM]"
  text = text.replace(/^([245]\d\d):\s+/, '$1 ');
  const tag = /\[(RCPT_TO|MAIL_FROM|DATA|CONNECT)\]\s*$/.exec(text);
  if (tag) {
    text = text.slice(0, tag.index).trim();
    phaseText ||= tag[1].replace('_', ' ');
  }
  const status = QMAIL_STATUS.exec(text)?.[1] ?? null;
  const phase = phaseIn(phaseText) ?? (/sender was rejected/i.test(phaseText) ? 'mail' : /my name was rejected/i.test(phaseText) ? 'ehlo' : null);
  return {
    recipient,
    diagnostic: text,
    status,
    remoteMta,
    phase,
    dsnAction: 'failed',
    fallbackReason: gaveUp ? 'expired' : undefined,
  };
}
