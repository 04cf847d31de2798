import type { BounceFormat } from './format.ts';
import { findAddresses, mailboxAddress } from '../address.ts';
import { beforeReturnedMessage, headersAfter } from '../text-scan.ts';
import { fromMailSystem } from './helpers.ts';
import { qmailStyleBlocks } from './qmail-style.ts';
import type { RawRecipient } from '../types.ts';
import { noticeGaveUp, textSaysStillTrying } from '../notice-verdict.ts';

// The fallback for a mail system's notice no format claims (home-grown gateways, appliances,
// webmail providers): the recipients are the addresses the notice's own text names — not the
// bounce's sender or addressee, not the original sender, not a mail system — and the diagnostic
// is what the text says around them, an SMTP reply first.

const BOUNCE_SUBJECT = /undeliver|returned mail|delivery (?:status|fail|notification|has failed)|failure (?:notice|delivery)|failed delivery|mail delivery failed|non[- ]?deliver|could not be delivered|mail system error|delivery problem|message delivery|mail failed|rejected|returning (?:message )?to sender|unzustellbar|non remis|message you sent (?:was )?blocked/i;
const SENDER_LINE = /^\s*(?:From|MAIL FROM|Sender|Reply-To|Return-Path|Original Sender|Envelope-From|Sent by|CC)\s*:/i;
// a message id written like an address ("Original Message ID: <20261128.4F2A1@mail.example.com>")
const MESSAGE_ID_LINE = /^\s*(?:Or(?:i)?ginal )?(?:Message[- ]?ID|In-Reply-To|References)\s*:/i;
// a line that labels its address as the recipient: it stands even when the notice comes from that
// address (Postal's "Rcpt To: support@example.org" in a notice sent as support@example.org)
const RECIPIENT_LINE = /^\s*(?:RCPT TO|Recipient(?: address)?|Original Recipient|Final Recipient|Intended Recipient)\s*:/i;
// the summary of the returned message some notices quote ("This report relates to a message you
// sent with the following header fields: … To: Alice <alice@example.org>"): its To: names the
// original addressee, which a forwarding or rewriting server may have replaced, so an address seen
// only there counts only when the notice names no other
const QUOTED_TO_LINE = /^\s*(?:To|Delivered-To)\s*:/i;
// words that say what went wrong, to pick the mention of an address that explains it
const TELLING = /error|fail|refus|reject|unknown|not found|no such|does not exist|timed? ?out|denied|full|quota|invalid|unable|could not|couldn't/gi;
const MAIL_SYSTEM = /^(?:mailer-daemon|postmaster|post_master|mail-daemon|bounce|noreply|no-reply|root)@/i;
// (a code followed by nothing but digits is a phone number in a signature: "Tel. 555 0100")
const REPLY_LINE = /(?:^|\s)([245]\d\d(?:[- ][245]\.\d{1,3}\.\d{1,3})?[-: ](?![\d ().+/-]*$)[^\n]*)/;
// the returned message's header block, where a notice has no marker line before it
const RETURNED_HEADERS = /^(?:Received|Return-Path|Message-ID|DKIM-Signature|MIME-Version|X-[\w-]+)\s*:/im;
const TRAILER = /^\s*(?:-{3,}|={3,}|\*{3,}|_{3,}|\|-{3,})/;
const FOOTER = /^(?:-- ?|--|_{20,})[ \t]*$/m;
const STATUS_LINE = /^\s*[245]\.\d{1,3}\.\d{1,3}\s/;
// "Reason:", also beside its translation ("Důvod / Reason:") or alone in German, French, Spanish,
// Italian, Portuguese, Czech, Polish, Russian
const REASON_LABEL = /^\s*(?:[^\s:/][^:/\n]{0,40}\/\s*)?(?:reason|grund|raison|motif|motivo|důvod|powód|przyczyna|причина)\s*:[ \t]*(.*)$/i;

function addressSet(headers: Array<string | null | undefined>): Set<string> {
  return new Set(headers.map((h) => mailboxAddress(h)?.toLowerCase()).filter((a): a is string => !!a));
}

function candidates(text: string, exclude: Set<string>, labelledExclude: Set<string>): string[] {
  const kept: string[] = [];
  const onlyQuotedTo: string[] = [];
  const seen = new Map<string[], Set<string>>([[kept, new Set()], [onlyQuotedTo, new Set()]]);
  for (const line of text.split('\n')) {
    if (SENDER_LINE.test(line) || MESSAGE_ID_LINE.test(line)) continue;
    const skip = RECIPIENT_LINE.test(line) ? labelledExclude : exclude;
    const into = QUOTED_TO_LINE.test(line) ? onlyQuotedTo : kept;
    const keys = seen.get(into)!;
    for (const a of findAddresses(line)) {
      const key = a.toLowerCase();
      if (skip.has(key) || keys.has(key) || MAIL_SYSTEM.test(key)) continue;
      keys.add(key);
      into.push(a);
    }
  }
  if (kept.length === 0) return onlyQuotedTo;
  return kept;
}

/**
 * Each recipient's own part of a notice that lists several, each with its own reply (hMailServer's
 * "jane@… / Error Type: SMTP / Remote server replied: 550 …" blocks, chasquid's "Technical details"):
 * every line belongs to the recipient last named on a line of its own. Null when the replies are
 * not spread that way (one reply under a list of addresses): every recipient then shares the
 * notice's reply.
 */
function ownParts(text: string, recipients: string[]): Map<string, string> | null {
  if (recipients.length < 2) return null;
  const keys = recipients.map((r) => r.toLowerCase());
  const parts = new Map<string, string[]>(keys.map((k) => [k, []]));
  let owner: string | null = null;
  for (const line of text.split('\n')) {
    const lower = line.toLowerCase();
    const named = keys.filter((k) => lower.includes(k));
    if (named.length === 1) owner = named[0];
    else if (named.length > 1) owner = null;
    if (owner) parts.get(owner)!.push(line);
  }
  const withReply = [...parts.values()].filter((part) => part.some((l) => /^[45]/.test(REPLY_LINE.exec(l)?.[1] ?? ''))).length;
  // one reply is still one recipient's own when every recipient has words of its own beside its
  // name (chasquid: a 550 for one, "failed repeatedly and timed out, last error: … connection
  // refused" for the other); a bare list of names over one reply is the notice's for all
  const ownWords = [...parts.values()].every((part) => part.filter((l) => l.trim() !== '').length >= 2);
  return withReply >= 2 || (withReply === 1 && ownWords) ? new Map([...parts].map(([k, v]) => [k, v.join('\n')])) : null;
}

/** What the notice says about one address: the SMTP reply nearest it, else the lines around it. */
function diagnosticFor(text: string, address: string): string {
  const lines = text.split('\n');
  const mentions = lines.flatMap((l, i) => (l.toLowerCase().includes(address.toLowerCase()) ? [i] : []));
  const replies = lines.map((l) => REPLY_LINE.exec(l)?.[1]).filter((r): r is string => Boolean(r));
  // a session transcript shows the greeting and every 250 before the refusal: the failure is
  // the first 4xx/5xx reply, and a success line is only the diagnostic when nothing failed
  const failure = replies.find((r) => r[0] === '4' || r[0] === '5');
  const reply = failure ? [failure] : replies;
  if (reply.length > 0) return withContinuation(lines, lines.findIndex((l) => l.includes(reply[0])), reply[0].trim());
  // no SMTP reply: a line that opens with an enhanced status code ("5.1.1 szn; User hasn't got
  // the service mapped", Seznam), else what a "Reason:" label introduces, in the notice's language
  const coded = lines.findIndex((l) => STATUS_LINE.test(l));
  if (coded !== -1) return withContinuation(lines, coded, lines[coded].trim());
  const labelled = underReasonLabel(lines);
  if (labelled) return labelled;
  // no reply: the words around the mention that explains most (a summary line naming the address
  // comes first, "Technical details" with the error further down)
  let best = '';
  let bestScore = -1;
  // a few mentions are enough to find the telling one; a notice repeating the address on
  // thousands of lines must not cost thousands of looks around it
  for (const at of mentions.length > 0 ? mentions.slice(0, MAX_MENTIONS) : [-1]) {
    const context = wordsAround(lines, at, address);
    // words that explain beat words that do not, and any words beat none
    const score = context === '' ? -0.5 : (context.match(TELLING)?.length ?? 0);
    if (score > bestScore) [best, bestScore] = [context, score];
  }
  // an address listed on its own, its reason in a paragraph of its own ("This Message was
  // undeliverable due to the following reason: / The user(s) account is temporarily over quota. /
  // <jane@example.org>"): the notice's opening lines are what it says about the address
  return best !== '' ? best : notice(lines);
}

/** The start of the notice, as one line: what it says when nothing is said beside an address. */
function notice(lines: string[]): string {
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !TRAILER.test(l)).slice(0, 12).join(' ').slice(0, 600);
}

/** A reply or status line with the lines that continue it (a reply wrapped over lines). */
function withContinuation(lines: string[], first: number, text: string): string {
  const more: string[] = [];
  for (let i = first + 1; i < lines.length && more.length < 5; i++) {
    const l = lines[i].trim();
    if (l === '' || TRAILER.test(l) || /^[A-Z][\w -]{2,30}:/.test(l) || /-->|<--|>>>|<<</.test(l)) break;
    more.push(l);
  }
  return [text, ...more].join(' ');
}

/** The text a "Reason:" label introduces, on its own line or the next line that says something. */
function underReasonLabel(lines: string[]): string | null {
  const at = lines.findIndex((l) => REASON_LABEL.test(l));
  if (at === -1) return null;
  const own = REASON_LABEL.exec(lines[at])![1].trim();
  if (own !== '') return withContinuation(lines, at, own);
  for (let i = at + 1; i < lines.length && i <= at + 4; i++) {
    const l = lines[i].trim();
    if (l !== '' && !TRAILER.test(l)) return withContinuation(lines, i, l);
  }
  return null;
}

const MAX_MENTIONS = 8;
const MAX_LINES_AFTER = 12;
/** Most recipients one notice yields (a message's recipient limit is usually far below). */
const MAX_RECIPIENTS = 1000;
/** Up to this many, each address gets the words about it; past it, all share the notice's reply. */
const MAX_OWN_DIAGNOSTICS = 50;

function wordsAround(lines: string[], at: number, address: string): string {
  const around: string[] = [];
  const own = at >= 0 ? lines[at].replace(new RegExp(address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), '').replace(/[<>"]|\s\.{3}\s/g, ' ').trim() : '';
  if (own.replace(/[^\p{L}\p{N}]+/gu, '').length > 3) around.push(own);
  for (let i = at - 1; i >= 0 && around.length < 4; i--) {
    const l = lines[i].trim();
    if (l === '' || TRAILER.test(l)) break;
    around.unshift(l);
  }
  // lines naming other addresses are passed over, but only so many: a list of thousands is not context
  for (let i = at + 1; at >= 0 && i < lines.length && i <= at + MAX_LINES_AFTER && around.length < 6; i++) {
    const l = lines[i].trim();
    if (l === '' || TRAILER.test(l)) break;
    if (findAddresses(l).length === 0) around.push(l);
  }
  return around.join(' ');
}

export const genericText: BounceFormat = {
  name: 'unknown',
  match: (msg) => fromMailSystem(msg) || BOUNCE_SUBJECT.test(msg.subject),
  extract(msg) {
    let text = beforeReturnedMessage(msg.body);
    const headersAt = RETURNED_HEADERS.exec(text);
    if (headersAt) text = text.slice(0, headersAt.index);
    // what a gateway or a list appends (a disclaimer after "-- ", a footer under a rule of
    // underscores) names its own addresses, never a failed recipient
    const footerAt = FOOTER.exec(text);
    if (footerAt && footerAt.index > 0) text = text.slice(0, footerAt.index);
    const blocks = qmailStyleBlocks(text);
    if (blocks.length > 0) return { recipients: blocks };
    const returned = msg.returnedHeaders ?? headersAfter(msg.body);
    // the original sender and the bounce's addressee are never recipients; the notice's own
    // sender and Reply-To are not, unless a line labels them as the recipient
    const labelledExclude = addressSet([msg.headers.get('to'), returned?.get('from'), returned?.get('sender')]);
    const exclude = new Set([...labelledExclude, ...addressSet([msg.headers.get('from'), msg.headers.get('reply-to')])]);
    let found = candidates(text, exclude, labelledExclude);
    // X-Failed-Recipients (Exim's, which chasquid and others copy) lists the failed recipients
    // outright; otherwise, of the addresses the text names, those the returned message was sent to
    const listed = new Set(findAddresses(msg.headers.get('x-failed-recipients') ?? '').map((a) => a.toLowerCase()));
    const to = listed.size > 0 ? listed : new Set(findAddresses(returned?.get('to') ?? '').map((a) => a.toLowerCase()));
    const inReturned = found.filter((a) => to.has(a.toLowerCase()));
    if (inReturned.length > 0) found = inReturned;
    if (found.length === 0) return null;
    found = found.slice(0, MAX_RECIPIENTS);
    const gaveUp = noticeGaveUp(text);
    const delayed = textSaysStillTrying(text);
    // each address's own words when there are few; past that, one reading of the notice for all,
    // so a notice naming a thousand addresses costs one look, not a thousand
    const parts = found.length <= MAX_OWN_DIAGNOSTICS ? ownParts(text, found) : null;
    const shared = found.length > MAX_OWN_DIAGNOSTICS ? diagnosticFor(text, found[0]!) : null;
    const recipients: RawRecipient[] = found.map((recipient) => ({
      recipient,
      diagnostic: shared ?? diagnosticFor(parts?.get(recipient.toLowerCase()) ?? text, recipient),
      dsnAction: delayed ? 'delayed' : 'failed',
      fallbackReason: gaveUp ? 'expired' : undefined,
    }));
    return { recipients };
  },
};
