import type { BounceFormat } from './format.ts';
import { cleanAddress, findAddresses } from '../address.ts';
import { headersAfter, section } from '../text-scan.ts';
import { phaseIn } from './helpers.ts';
import { bareSubject } from '../notice-verdict.ts';
import type { RawRecipient } from '../types.ts';

// Sendmail's plain-text bounce (version 5 and 8 without DSN), a session transcript:
//
//      ----- Transcript of session follows -----
//   While talking to mx.example.org:
//   >>> RCPT To:<jane@example.org>
//   <<< 550 <jane@example.org>... User unknown
//   550 <jane@example.org>... User unknown
//      ----- Unsent message follows -----
//
// "NNN <address>... text" names a failed recipient; the remote reply ("<<<") of the host being
// talked to is the better diagnostic. "NNN host (smtp)... text" lines name a host, not a recipient.

const TRANSCRIPT = /^[ \t]*-{3,} ?Transcript of session follows ?-{3,}\s*$/m;
const END = [/^[ \t]*-{3,} ?(?:Unsent message follows|Original message follows|Message header follows|Returned message follows|Recipients of this delivery status notification) ?-{3,}/m, /^[ \t]*-{3,} ?The following addresses/m];
const TALKING = /^(?:\.{3}\s*)?while talking to ([^\s:]+?)\.?:?\s*$/i;
const SENT = /^>>> (.*)$/;
const RECEIVED = /^<<< ?(.*)$/;
// "550 5.1.1 <jane@example.org>... User unknown"; Sendmail 8 leaves the code out of deferrals:
// "<jane@example.org>... Deferred: Connection refused by mx.example.org."
const RECIPIENT_LINE = /^(?:(\d{3}(?:[ -][245]\.\d{1,3}\.\d{1,3})?)[ -])?<?([^\s<>@]{1,128}@[^\s<>@]{1,255}?)>?\.{3}\s*(.*)$/;
const HOST_LINE = /^(\d{3})[ -](\S+) \((?:smtp|esmtp|tcp|local)\)\.{3}\s*(.*)$/i;
const FATAL_LIST = /^[ \t]*-{3,} ?The following addresses? (?:had|has) (?:permanent fatal errors|transient non-fatal errors|delivery problems) ?-{3,}\s*$/m;
const LISTED = /^<?([^\s<>@]{1,128}@[^\s<>@]{1,255}?)>?[ \t]*(?:\n[ \t]*\(reason: ([^\n]*)\))?$/gm;
// A local delivery program's own words, which Sendmail copies into the transcript above its
// summary of the program's exit status: "mail.local: unknown user: jane" above "554
// <jane@example.org>... Service unavailable", "procmail: Quota exceeded while writing …". The
// exit status (sysexits: "Service unavailable", "Can't create output") only says the program
// failed; the line before it says why. Program names are lower-case words or paths, which
// keeps out "Warning: message still undelivered" and header lines.
const PROGRAM_LINE = /^(?:[a-z][a-z0-9._-]{0,30}|\/[^\s:]{1,200}): \S/;
// "Returned mail: Cannot send message for 5 days"; "Warning: could not send message for past 4
// hours" is the warning sent while Sendmail keeps trying (savemail.c), not its giving up
const GAVE_UP_SUBJECT = /Cannot send message (?:for|within) \d+ days?|could not send message for past \d+ (?:hours|days)/i;

export function sendmailTranscript(text: string): RawRecipient[] {
  const out: RawRecipient[] = [];
  let host: string | null = null;
  let command: string | null = null;
  let reply: string[] = [];
  let program: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    let m: RegExpExecArray | null;
    if ((m = TALKING.exec(line))) {
      host = m[1].toLowerCase();
      command = null;
      reply = [];
      program = [];
    } else if ((m = SENT.exec(line))) {
      command = m[1];
      reply = [];
    } else if ((m = RECEIVED.exec(line))) {
      reply.push(m[1]);
    } else if ((m = RECIPIENT_LINE.exec(line))) {
      const recipient = cleanAddress(m[2]);
      if (!recipient) continue;
      const own = /^[245]\d\d\b/.test(m[3]) || !m[1] ? m[3] : `${m[1]} ${m[3]}`.trim();
      // the remote reply speaks for this recipient when it answered a command about it or the whole message
      const targets = command === null || !/^RCPT/i.test(command) || command.toLowerCase().includes(recipient.toLowerCase());
      const diagnostic = reply.length > 0 && targets ? reply.join('\n') : [own, ...program].join('\n');
      out.push({ recipient, diagnostic, remoteMta: host, phase: command ? phaseIn(command) : null, dsnAction: 'failed' });
      program = [];
    } else if (PROGRAM_LINE.test(line) && program.length < 8) {
      program.push(line);
    } else if ((m = HOST_LINE.exec(line))) {
      const named = m[2].toLowerCase();
      if (host && named !== host && !host.endsWith('.' + named)) {
        reply = [];
        command = null;
      }
      host = named;
      if (reply.length === 0) reply = [];
    }
  }
  return out;
}

interface TranscriptBlock {
  host: string;
  command: string | null;
  reply: string[];
}

/** "while talking to host:" blocks: the last command sent and what the server answered to it. */
function transcriptBlocks(text: string): TranscriptBlock[] {
  const blocks: TranscriptBlock[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    let m: RegExpExecArray | null;
    const current = blocks[blocks.length - 1];
    if ((m = TALKING.exec(line))) blocks.push({ host: m[1].toLowerCase(), command: null, reply: [] });
    else if (current && (m = SENT.exec(line))) {
      current.command = m[1];
      current.reply = [];
    } else if (current && (m = RECEIVED.exec(line)) && /^[45]/.test(m[1])) current.reply.push(m[1]);
  }
  return blocks;
}

export const sendmailV5: BounceFormat = {
  name: 'sendmail',
  match: (msg) => TRANSCRIPT.test(msg.body) || FATAL_LIST.test(msg.body),
  extract(msg) {
    const transcript = section(msg.body, [TRANSCRIPT], END) ?? '';
    let recipients = sendmailTranscript(transcript);
    // Sendmail 8 lists the failed addresses first: "<jane@example.org>\n    (reason: 550 Host unknown)"
    const list = section(msg.body, [FATAL_LIST], [TRANSCRIPT, ...END]);
    if (list) {
      for (const m of list.matchAll(LISTED)) {
        const recipient = cleanAddress(m[1]);
        if (!recipient || recipients.some((r) => r.recipient.toLowerCase() === recipient.toLowerCase())) continue;
        recipients.push({ recipient, diagnostic: m[2] ?? '', dsnAction: /temporary|delayed/i.test(FATAL_LIST.exec(msg.body)![0]) ? 'delayed' : 'failed' });
      }
    }
    if (recipients.length === 0) {
      // nothing but host lines: the returned message says whom it was for
      const to = findAddresses(headersAfter(msg.body, END)?.get('to') ?? '');
      const hostLine = transcript.split('\n').map((l) => HOST_LINE.exec(l.trim())).find(Boolean);
      if (to.length === 1 && hostLine) recipients = [{ recipient: to[0], diagnostic: `${hostLine[1]} ${hostLine[3]}`, remoteMta: hostLine[2].toLowerCase(), dsnAction: 'failed' }];
    }
    // listed recipients the transcript names only through the command the server refused
    const blocks = transcriptBlocks(transcript);
    recipients = recipients.map((r) => {
      if (r.phase) return r;
      const own = blocks.find((b) => b.command !== null && /^RCPT/i.test(b.command) && b.command.toLowerCase().includes(r.recipient.toLowerCase()));
      const whole = blocks.filter((b) => b.command === null || !/^RCPT/i.test(b.command));
      const b = own ?? (whole.length === 1 ? whole[0] : null);
      if (!b || b.reply.length === 0) return r;
      return { ...r, diagnostic: b.reply.join('\n'), phase: b.command ? phaseIn(b.command) : 'greeting', remoteMta: r.remoteMta ?? b.host };
    });
    if (GAVE_UP_SUBJECT.test(msg.subject) && !/^warning:/i.test(bareSubject(msg.subject))) {
      recipients = recipients.map((r) => ({ ...r, reason: 'expired' as const, reasonRule: 'sendmail/gave-up-after-queue-lifetime' }));
    }
    return { recipients };
  },
};
