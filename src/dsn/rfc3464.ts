import { cleanAddress } from './address.ts';
import type { DsnAction, RawRecipient } from './types.ts';

/** The fields of one DSN block (RFC 3464 §2.2–2.3): lower-case names, continuation lines joined. */
export type DsnFields = Map<string, string>;

export interface DeliveryStatus {
  perMessage: DsnFields;
  perRecipient: DsnFields[];
}

const FIELD = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
// per-message fields (RFC 3464 §2.2) found in front of the first recipient of a run-together report
const PER_MESSAGE = new Set(['reporting-mta', 'dsn-gateway', 'received-from-mta', 'arrival-date', 'original-envelope-id', 'x-postfix-queue-id', 'x-postfix-sender']);

/**
 * Reads a message/delivery-status body. Real reports are sloppy: recipients run together without
 * the blank line between them, fields come in any order (Final-Recipient last, even), and a
 * stray field trails after the last block. So the body is read as paragraphs; a paragraph with
 * no recipient field belongs to the message (before any recipient) or completes the recipient
 * before it; a paragraph naming several recipients is cut at each Final-Recipient.
 */
export function parseDeliveryStatus(text: string, maxRecipients = 1000): DeliveryStatus {
  const perMessage: DsnFields = new Map();
  const perRecipient: DsnFields[] = [];
  const setFirst = (block: DsnFields, name: string, value: string): void => {
    // a field repeated inside one block (seen with Diagnostic-Code) keeps the first value
    if (!block.has(name)) block.set(name, value);
  };
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    const fields = parseFieldList(paragraph);
    if (fields.length === 0) continue;
    const starts = fields.map(([n], i) => (n === 'final-recipient' ? i : -1)).filter((i) => i >= 0);
    if (starts.length === 0 && fields.some(([n]) => n === 'original-recipient')) {
      starts.push(fields.findIndex(([n]) => n === 'original-recipient'));
    }
    if (starts.length === 0) {
      const target = perRecipient.length > 0 ? perRecipient[perRecipient.length - 1] : perMessage;
      for (const [n, v] of fields) setFirst(target, n, v);
      continue;
    }
    // an Original-Recipient right before a Final-Recipient opens that block
    const cuts = starts.map((i, k) => (k > 0 && i > 0 && fields[i - 1][0] === 'original-recipient' ? i - 1 : i));
    cuts[0] = 0;
    for (let k = 0; k < cuts.length; k++) {
      if (perRecipient.length >= maxRecipients) return { perMessage, perRecipient };
      const block: DsnFields = new Map();
      for (const [n, v] of fields.slice(cuts[k], cuts[k + 1] ?? fields.length)) {
        setFirst(PER_MESSAGE.has(n) && perRecipient.length === 0 ? perMessage : block, n, v);
      }
      perRecipient.push(block);
    }
  }
  return { perMessage, perRecipient };
}

/** Every "Name: value" field of a report body in order, repeated names kept (ARF repeats Original-Rcpt-To). */
export function parseFieldList(text: string, maxFields = 1000): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      out[out.length - 1][1] += ' ' + line.trim();
      continue;
    }
    const m = FIELD.exec(line);
    if (m) out.push([m[1].toLowerCase(), m[2].trim()]);
    if (out.length >= maxFields) break;
  }
  return out;
}

const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** The enhanced status code in a Status field ("5.1.1 (user unknown)"), or null. */
export function statusCode(value: string | undefined): string | null {
  if (!value) return null;
  const m = ENHANCED.exec(value);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

/** The diagnostic type of a Diagnostic-Code ("smtp", "x-unix", "x-postfix"…), lower-case, or null. */
export function diagnosticType(value: string | undefined): string | null {
  const m = /^\s*([a-z][a-z0-9-]{1,20})\s*;/i.exec(value ?? '');
  return m ? m[1].toLowerCase() : null;
}

// the class names a Status comment often repeats, which say nothing of their own
const GENERIC_COMMENT = /^(?:permanent|temporary|persistent transient|transient)?\s*(?:failure|error|failed)?$/i;

/** The comment of a Status field ("4.0.0 (example.org: host name lookup failure)"), when it says something. */
export function statusComment(value: string | undefined): string {
  const m = /\(([^()]{3,300})\)/.exec(value ?? '');
  return m && !GENERIC_COMMENT.test(m[1].trim()) ? m[1].trim() : '';
}

/** "smtp; 550 5.1.1 …" → "550 5.1.1 …": the diagnostic type is dropped, the text kept. */
export function stripDiagnosticType(value: string | undefined): string {
  if (!value) return '';
  const m = /^\s*(smtp|x-[a-z0-9-]+|mail|x400|unix|[a-z][a-z0-9-]{1,20})\s*;\s*/i.exec(value);
  return (m ? value.slice(m[0].length) : value).trim();
}

/**
 * "dns; mx.example.org" → "mx.example.org". A comment after the name ("mx.example.org.
 * (192.0.2.10, the server for the domain example.org.)", as Gmail writes it) and the root dot go.
 */
export function stripMtaType(value: string | undefined): string | null {
  if (!value) return null;
  let v = value.replace(/^\s*[a-z0-9-]{1,20}\s*;\s*/i, '').trim();
  const comment = v.indexOf('(');
  if (comment > 0) v = v.slice(0, comment).trim();
  if (/^[a-z0-9.-]+\.$/i.test(v)) v = v.slice(0, -1);
  return v === '' ? null : v;
}

const ACTIONS = new Set<DsnAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

export function dsnAction(value: string | undefined): DsnAction | null {
  if (!value) return null;
  const a = value.trim().toLowerCase().split(/[\s(;]/)[0];
  // "Action: expired" (SendGrid and others, not in RFC 3464): failed, its retry time over
  if (a === 'expired') return 'failed';
  // Postfix's address verification report (sendmail -bv, verify.c): "deliverable" / "undeliverable"
  if (a === 'deliverable') return 'delivered';
  if (a === 'undeliverable') return 'failed';
  return ACTIONS.has(a as DsnAction) ? (a as DsnAction) : null;
}

/** An Action no one defined says nothing; the Status class still does (2: delivered, 4: delayed, 5: failed). */
function actionOf(block: DsnFields): DsnAction | null {
  const action = dsnAction(block.get('action'));
  if (action) return action;
  const cls = /^\s*([245])\./.exec(block.get('status') ?? '')?.[1];
  return cls === '2' ? 'delivered' : cls === '4' ? 'delayed' : cls === '5' ? 'failed' : null;
}

/**
 * An Original-Recipient as the ORCPT carried it: xtext (RFC 3461 §4), which some MTAs print as
 * received. Only "+2B" and "+3D" are decoded, the two characters an address needs encoded ("+" and
 * "="), so a tag such as "bob+CA@…" written plainly stays as it is.
 */
function xtextDecoded(value: string | undefined): string | undefined {
  return value?.replace(/\+(2B|3D)/g, (_, hex: string) => (hex === '2B' ? '+' : '='));
}

/**
 * The per-recipient blocks of a delivery-status report as raw recipients. `sole` is the one
 * address the returned message was sent to, if it was sent to exactly one: a report with a single
 * block naming no Internet address (RFC 3464 2.3.2 allows "x400; …", "unknown; …") is about it.
 */
export function recipientsFromDeliveryStatus(ds: DeliveryStatus, sole: () => string | null = () => null): RawRecipient[] {
  const out: RawRecipient[] = [];
  const reportingMta = stripMtaType(ds.perMessage.get('reporting-mta'));
  for (const block of ds.perRecipient) {
    // a read receipt (RFC 8098) has a Final-Recipient too, and a Disposition instead of an Action:
    // the message was displayed or deleted, nothing failed
    if (block.has('disposition') && !block.has('action') && !block.has('status')) continue;
    const finalRcpt = cleanAddress(block.get('final-recipient'));
    const actual = cleanAddress(block.get('x-actual-recipient'));
    const original = cleanAddress(xtextDecoded(block.get('original-recipient')));
    // Sendmail writes the name from RCPT as Final-Recipient and "the real problem address" an
    // alias led to as X-Actual-Recipient (savemail.c errbody()): the latter failed, the former is
    // what the sender wrote
    const aliased = finalRcpt !== null && actual !== null && actual.toLowerCase() !== finalRcpt.toLowerCase();
    const recipient = (aliased ? actual : finalRcpt) ?? actual ?? original ?? (ds.perRecipient.length === 1 ? sole() : null);
    if (!recipient) continue;
    out.push({
      recipient,
      originalRecipient: original ?? (aliased ? finalRcpt : null),
      dsnAction: actionOf(block),
      status: statusCode(block.get('status')),
      diagnostic: stripDiagnosticType(block.get('diagnostic-code')) || statusComment(block.get('status')),
      remoteMta: stripMtaType(block.get('remote-mta')) ?? null,
      reportingMta,
      lastAttempt: block.get('last-attempt-date') ?? null,
      willRetryUntil: block.get('will-retry-until') ?? null,
      // "X-Unix; 255": a local delivery program (procmail, a pipe) failed; what it printed is about
      // itself, not about the address. A program as the actual recipient tells the same when the
      // diagnostic says nothing more.
      ...(diagnosticType(block.get('diagnostic-code')) === 'x-unix' ? { localProgram: true } : {}),
      ...(/^\s*expired\b/i.test(block.get('action') ?? '') ? { reason: 'expired' as const, reasonRule: 'dsn/action-expired' } : {}),
      ...(/^(?:[a-z0-9-]+;\s*)?"?\|/i.test(block.get('x-actual-recipient') ?? '') ? { fallbackReason: 'mailererror' as const } : {}),
    });
  }
  return out;
}
