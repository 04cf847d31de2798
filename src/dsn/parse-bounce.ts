import { fromEntity, readBounceMessage, type BounceMessage } from './message.ts';
import { DEFAULT_MIME_LIMITS, type MimeLimits } from './mime/limits.ts';
import { FORMATS, FALLBACK_FORMATS } from './formats/index.ts';
import { returnedRecipient } from './formats/returned-recipient.ts';
import { fromMailSystem } from './formats/helpers.ts';
import type { BounceFormat } from './formats/format.ts';
import { classifyRecipient, type ClassifyFn } from './classify-recipient.ts';
import { mailboxAddress } from './address.ts';
import { beforeReturnedMessage, headersAfter } from './text-scan.ts';
import { noticeSaysStillTrying } from './notice-verdict.ts';
import { detectMta, detectVendor } from './detect-mta.ts';
import { REBOUND_ID_HEADER, parseVerp } from './verp.ts';
import type { Headers } from './mime/headers.ts';
import type { BounceKind, BounceRecipient, FormatResult, ParsedBounce, RawRecipient } from './types.ts';

export interface ParseBounceOptions {
  /** The classifier every diagnostic goes through (the default one unless given). */
  classify: ClassifyFn;
  limits?: Partial<MimeLimits>;
  /** The local-part prefix of your VERP return paths ("bounces" in bounces+jane=example.org@…). */
  verpPrefix?: string;
  /**
   * The SMTP envelope's recipients when the bounce came over SMTP (the return path it was sent
   * to): read for VERP before the headers, which a bounce need not carry.
   */
  envelopeTo?: readonly string[];
}

/** Where the address a bounce was delivered to (the return path it went back to) is written. */
const ENVELOPE_HEADERS = ['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'to'];

function verpRecipientOf(msg: BounceMessage, prefix: string | undefined, envelopeTo: readonly string[]): string | null {
  for (const address of envelopeTo.slice(0, 100)) {
    const recipient = parseVerp(address, prefix === undefined ? {} : { prefix });
    if (recipient) return recipient;
  }
  for (const name of ENVELOPE_HEADERS) {
    for (const value of msg.headers.getAll(name)) {
      const address = mailboxAddress(value);
      const recipient = address ? parseVerp(address, prefix === undefined ? {} : { prefix }) : null;
      if (recipient) return recipient;
    }
  }
  return null;
}

const NOT_FAILURES = new Set(['delivered', 'relayed', 'expanded']);

/** A bounce enclosed in another message (a forwarded bounce) is read this many levels deep. */
const MAX_ENCLOSED_BOUNCES = 2;

/**
 * Reads one email and says whether it is a bounce, of which kind, from which MTA, for which
 * recipients and why. Never throws for any input: what cannot be read comes back with `error`.
 */
export function parseBounceWith(raw: Buffer | string, options: ParseBounceOptions): ParsedBounce {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) {
    return failed(`expected the email as a Buffer or a string, got ${raw === null ? 'null' : typeof raw}`);
  }
  if (raw.length === 0) return failed('empty input: no email to read');
  const limits = { ...DEFAULT_MIME_LIMITS, ...options.limits };
  let msg: BounceMessage;
  try {
    msg = readBounceMessage(raw, limits);
  } catch (err) {
    return failed(`could not read the email: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (msg.headers.size === 0) return failed('not an email: no header fields at the start', msg.notes);
  try {
    const parsed = analyze(msg, options.classify, 0, verpRecipientOf(msg, options.verpPrefix, options.envelopeTo ?? []));
    return parsed.isBounce ? notActedOn(msg, parsed) : parsed;
  } catch (err) {
    // a format module tripping over a message it half-matched must not take the caller down
    return failed(`could not understand the email: ${err instanceof Error ? err.message : String(err)}`, msg.notes);
  }
}

// "Fwd: Undelivered Mail…", "RE: Undeliverable", "AW:", "TR:", "RV:", "SV:", "Odp:"…
const REPLY_OR_FORWARD = /^\s*(?:re|fwd?|fw|aw|wg|tr|sv|vs|rv|enc|res|antw|odp|r)\s*(?:\[\d{1,4}\])?\s*:/i;
// a list manager's notice that a post waits for its moderators (Sympa sends it as a DSN with
// "Action: failed" and "Status: 4.3.0"; Mailman and others as text)
const AUTOMATED_SENDER = /^(?:no-?reply|do-?not-?reply|bounces?|daemon|root|mta|smtp|notifications?|alerts?|system)[@+-]/i;
const MODERATION_PENDING = /forwarded to the moderator|awaits? (?:the )?moderator(?:'s)? approval|held for moderat|waiting for moderat/i;
// and its notice that a moderator refused the post: Mailman's "has been rejected by the list
// moderator" (app/moderator.py, Mailman 2's refuse template), Sympa's "has been rejected by the
// moderator" (mail_tt2/reject.tt2). The post was the sender's; no recipient failed
const MODERATION_REFUSED = /(?:has been|was) rejected by (?:the )?(?:list )?(?:moderator|editor)/i;

/**
 * Bounces Rebound must not act on, although they quote one: a person's reply or forward about a
 * bounce ("FYI I got this bounce", "RE: Undeliverable — Jane left, write to …"), which reports
 * someone's message, not a failure the mail system reported for a delivery of ours — unless the
 * quoted message carries Rebound's own delivery id; and a list manager's "held for moderation"
 * or "rejected by the moderator" notice, which is a post waiting or refused, not a failed recipient.
 */
function notActedOn(msg: BounceMessage, parsed: ParsedBounce): ParsedBounce {
  // a mail system's own report (multipart/report at the top, an automated sender, the headers MTAs
  // stamp) is never a person's, whatever its subject (Verizon answers "Re:<subject>")
  const automated = fromMailSystem(msg) || AUTOMATED_SENDER.test(mailboxAddress(msg.from) ?? '')
    || /multipart\/report/i.test(msg.headers.get('content-type') ?? '')
    || msg.headers.has('auto-submitted') || msg.headers.has('x-failed-recipients');
  const person = !automated && REPLY_OR_FORWARD.test(msg.subject);
  const why = person && parsed.deliveryId === null
    ? "a person's reply or forward quoting a bounce, not tied to a delivery of Rebound's: not acted on"
    : !/moderat|editor/i.test(msg.body) ? null
    : MODERATION_PENDING.test(beforeReturnedMessage(msg.body)) ? 'a post held for list moderation, not a failed delivery'
    : MODERATION_REFUSED.test(beforeReturnedMessage(msg.body)) ? "a list moderator refused the post: the sender's matter, not a failed delivery" : null;
  if (why === null) return parsed;
  return { ...parsed, isBounce: false, kind: 'other', mta: null, recipients: [], notes: [...parsed.notes, why] };
}

function analyze(msg: BounceMessage, classify: ClassifyFn, enclosedDepth: number, verp: string | null): ParsedBounce {
  const found = runFormats(msg, FORMATS);
  if (found) {
    const result = found.format.name === 'rfc3464' ? withTextDiagnostics(msg, found.result) : found.result;
    return finish(msg, found.format, result, classify, verp);
  }
  // a bounce forwarded as an attachment: read the enclosed one
  if (msg.returnedEntity && enclosedDepth < MAX_ENCLOSED_BOUNCES) {
    const inner = enclosedBounce(msg);
    if (inner) {
      const parsed = analyze(inner, classify, enclosedDepth + 1, verp);
      if (parsed.kind !== 'other') return parsed;
    }
  }
  const fallback = runFormats(msg, FALLBACK_FORMATS.filter((f) => f !== returnedRecipient));
  if (fallback) return finish(msg, fallback.format, fallback.result, classify, verp);
  // a mail system's notice that names no one: the VERP return path it came back to does
  if (verp && fromMailSystem(msg)) {
    // the notice only: the returned copy below it quotes the VERP return path, which would read
    // as a refusal naming the sender
    const diagnostic = beforeReturnedMessage(msg.body).split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 12).join(' ').slice(0, 600);
    return finish(msg, null, { recipients: [{ recipient: verp, diagnostic, dsnAction: 'failed' }], mta: 'verp' }, classify, verp);
  }
  const last = runFormats(msg, [returnedRecipient]);
  if (last) return finish(msg, last.format, last.result, classify, verp);
  return finish(msg, null, { recipients: [], kind: 'other' }, classify, verp);
}

function runFormats(msg: BounceMessage, formats: readonly BounceFormat[]): { format: BounceFormat; result: FormatResult } | null {
  for (const format of formats) {
    if (!format.match(msg)) continue;
    const result = format.extract(msg);
    if (result && result.recipients.length > 0) return { format, result };
  }
  return null;
}

const HAS_CODE = /\b[245]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b/;

/**
 * A delivery-status part often says less than the text beside it: no Diagnostic-Code, only the
 * reporting MTA's summary, no word of the SMTP step that failed. Where the human-readable part
 * (read by whichever format knows it) quotes the receiving server for the same recipient, that
 * reply becomes the diagnostic when the part's own is weak, and the step and host it names fill
 * what the part left out. The Status field stays.
 */
function withTextDiagnostics(msg: BounceMessage, result: FormatResult): FormatResult {
  if (result.recipients.every((r) => HAS_CODE.test(r.diagnostic) && r.phase && r.remoteMta && r.originalRecipient)) return result;
  const fromText = new Map<string, RawRecipient>();
  // only the formats that know a layout: the generic fallbacks would guess
  for (const format of FORMATS) {
    if (format.name === 'rfc3464' || format.name === 'arf' || !format.match(msg)) continue;
    const text = format.extract(msg);
    if (!text || text.recipients.length === 0) continue;
    for (const r of text.recipients) fromText.set(r.recipient.toLowerCase(), r);
    break;
  }
  if (fromText.size === 0) return result;
  // one recipient each side: the text may name it differently (an alias, a pipe)
  const single = result.recipients.length === 1 && fromText.size === 1 ? [...fromText.values()][0] : null;
  const recipients = result.recipients.map((r) => {
    const t = fromText.get(r.recipient.toLowerCase()) ?? single;
    if (!t) return r;
    const weak = r.diagnostic.trim() === '' || !HAS_CODE.test(r.diagnostic);
    const better = weak && t.diagnostic.trim() !== '' && (r.diagnostic.trim() === '' || HAS_CODE.test(t.diagnostic));
    return {
      ...r,
      diagnostic: better ? t.diagnostic : r.diagnostic,
      remoteMta: r.remoteMta ?? t.remoteMta,
      phase: r.phase ?? t.phase,
      fallbackReason: r.fallbackReason ?? t.fallbackReason,
      // the alias the text names ("expanded from", "generated from") when the part names none
      originalRecipient: r.originalRecipient ?? t.originalRecipient ?? null,
    };
  });
  return { ...result, recipients };
}

/**
 * The attached message, when it is a mail system's report: a report part, a mail-system or
 * automated sender (Courier's "<@>", SNS's no-reply), or a bounce's subject. An attached ordinary
 * message (the returned original) is not read for recipients.
 */
function enclosedBounce(msg: BounceMessage): BounceMessage | null {
  const inner = fromEntity(msg.returnedEntity!, msg.notes, msg.truncated);
  const automated = fromMailSystem(inner) || AUTOMATED_SENDER.test(mailboxAddress(inner.from) ?? '') || inner.deliveryStatus.length > 0;
  return automated || /undeliver|returned mail|delivery (status|fail)|failure notice/i.test(inner.subject) ? inner : null;
}

/** Formats whose recipients carry the sender's own verdict (an Action field, an event type). */
const REPORT_FORMATS: ReadonlySet<string> = new Set(['rfc3464', 'arf', 'amazonses', 'rfc3834']);

function finish(msg: BounceMessage, format: BounceFormat | null, result: FormatResult, classify: ClassifyFn, verp: string | null): ParsedBounce {
  const kind: BounceKind = result.kind ?? (result.recipients.length > 0 ? 'dsn' : 'other');
  const returned: Headers | null = msg.returnedHeaders ?? headersAfter(msg.body);
  const senders = senderAddresses(msg, returned);
  const envelopeId = originalEnvelopeId(msg.deliveryStatus);
  const recipients: BounceRecipient[] = [];
  const seen = new Set<string>();
  // A text notice's reader says "failed" unless it knows its sender's delay wording; the notice's
  // subject and words decide for it (Postfix's "Delayed Mail (still being retried)", Courier's
  // "WARNING: delayed mail.", Sendmail's "Warning: could not send message for past 4 hours" would
  // otherwise suppress an address the MTA is still trying). A report part's Action field stands.
  let verdict: 'delayed' | 'failed' | null = null;
  const textVerdict = (): 'delayed' | 'failed' => (verdict ??= kind === 'dsn' && !REPORT_FORMATS.has(format?.name ?? '') && noticeSaysStillTrying(msg, beforeReturnedMessage(msg.body)) ? 'delayed' : 'failed');
  for (const raw of result.recipients) {
    // the same recipient reported twice (text and DSN part, two MX hosts) counts once
    const key = raw.recipient.toLowerCase();
    if (key !== '' && seen.has(key)) continue;
    seen.add(key);
    const action = !raw.dsnAction || (raw.dsnAction === 'failed' && !REPORT_FORMATS.has(format?.name ?? '')) ? textVerdict() : raw.dsnAction;
    recipients.push(classifyRecipient(kind === 'dsn' ? { ...raw, dsnAction: action } : raw, classify, senders));
  }
  // a stock MTA's report sent by a known provider is named after the provider
  const generic = format === null || ['rfc3464', 'exim', 'postfix', 'sendmail', 'unknown', 'returned-recipient'].includes(format.name);
  const vendor = generic && result.kind !== 'feedback' && result.kind !== 'autoreply' ? detectVendor(msg) : null;
  const mta = vendor ?? result.mta ?? (format?.name === 'rfc3464' ? detectMta(msg) ?? 'rfc3464' : format?.name ?? null);
  return {
    // a report that only says "delivered" / "relayed" (success DSNs, SES delivery events) is not a bounce
    isBounce: kind === 'dsn' && recipients.some((r) => r.class !== 'success' && !NOT_FAILURES.has(r.dsnAction ?? '')),
    kind,
    mta,
    originalMessageId: returned?.get('message-id') ?? null,
    originalFrom: mailboxAddress(returned?.get('from')),
    originalSubject: returned?.get('subject') ?? null,
    deliveryId: returned?.get(REBOUND_ID_HEADER)?.trim() || envelopeId || null,
    envelopeId,
    verpRecipient: verp,
    messageId: msg.headers.get('message-id') ?? null,
    subject: msg.subject,
    date: msg.headers.get('date') ?? null,
    recipients,
    error: null,
    notes: msg.notes,
  };
}

const ENVELOPE_ID = /^original-envelope-id[ \t]*:[ \t]*([^\r\n]{1,200})/im;

/** The ENVID the sender gave (RFC 3461 §4.4), as the first delivery-status part writes it; xtext "+HH" decoded. */
function originalEnvelopeId(parts: readonly string[]): string | null {
  const m = parts.length > 0 ? ENVELOPE_ID.exec(parts[0]!) : null;
  if (!m) return null;
  const id = m[1]!.trim().replace(/\+([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return id.length > 0 && id.length <= 100 && /^[\x21-\x7e]+$/.test(id) ? id : null;
}

/**
 * Who sent the returned message: its envelope sender (Return-Path) and author (From), and the
 * address the bounce itself went to. A refusal that names one of these, and not the recipient,
 * is about the sender.
 */
function senderAddresses(msg: BounceMessage, returned: Headers | null): string[] {
  const found = [returned?.get('return-path'), returned?.get('from'), msg.headers.get('to')]
    .map((h) => mailboxAddress(h)?.toLowerCase())
    .filter((a): a is string => !!a && a.includes('@'));
  return [...new Set(found)];
}

function failed(error: string, notes: string[] = []): ParsedBounce {
  return {
    isBounce: false, kind: 'other', mta: null, originalMessageId: null, originalFrom: null, originalSubject: null,
    deliveryId: null, envelopeId: null, verpRecipient: null, messageId: null, subject: '', date: null, recipients: [], error, notes,
  };
}
