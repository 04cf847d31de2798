import { cleanAddress } from './address.ts';
import type { DsnAction, RawRecipient } from './types.ts';

/** The fields of one DSN block (RFC 3464 §2.2–2.3): lower-case names, continuation lines joined. */
export type DsnFields = Map<string, string>;

export interface DeliveryStatus {
  perMessage: DsnFields;
  perRecipient: DsnFields[];
}

const FIELD = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
const STARTS_RECIPIENT = new Set(['original-recipient', 'final-recipient']);

/**
 * Reads a message/delivery-status body. Real reports are sloppy: blocks without the blank line
 * between them, recipients run together, fields in any order — so a new recipient starts at every
 * Final-Recipient (or at an Original-Recipient not followed by its Final-Recipient yet).
 */
export function parseDeliveryStatus(text: string, maxRecipients = 1000): DeliveryStatus {
  const perMessage: DsnFields = new Map();
  const perRecipient: DsnFields[] = [];
  let current: DsnFields | null = null;
  let lastField: { block: DsnFields; name: string } | null = null;
  let blankSinceRecipient = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      lastField = null;
      if (current) blankSinceRecipient = true;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastField) {
      lastField.block.set(lastField.name, `${lastField.block.get(lastField.name)} ${line.trim()}`);
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase();
    const value = m[2].trim();
    if (STARTS_RECIPIENT.has(name)) {
      const continues = current !== null && !blankSinceRecipient && name === 'final-recipient'
        && current.has('original-recipient') && !current.has('final-recipient');
      if (!continues) {
        if (perRecipient.length >= maxRecipients) break;
        current = new Map();
        perRecipient.push(current);
        blankSinceRecipient = false;
      }
    }
    const block = current ?? perMessage;
    // a field repeated inside one block (seen with Diagnostic-Code) keeps the first value
    if (!block.has(name)) block.set(name, value);
    lastField = { block, name };
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

/** "smtp; 550 5.1.1 …" → "550 5.1.1 …": the diagnostic type is dropped, the text kept. */
export function stripDiagnosticType(value: string | undefined): string {
  if (!value) return '';
  const m = /^\s*(smtp|x-[a-z0-9-]+|mail|x400|unix|[a-z][a-z0-9-]{1,20})\s*;\s*/i.exec(value);
  return (m ? value.slice(m[0].length) : value).trim();
}

/** "dns; mx.example.org" → "mx.example.org". */
export function stripMtaType(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.replace(/^\s*[a-z0-9-]{1,20}\s*;\s*/i, '').trim();
  return v === '' ? null : v;
}

const ACTIONS = new Set<DsnAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

export function dsnAction(value: string | undefined): DsnAction | null {
  if (!value) return null;
  const a = value.trim().toLowerCase().split(/[\s(;]/)[0] as DsnAction;
  return ACTIONS.has(a) ? a : null;
}

/** The per-recipient blocks of a delivery-status report as raw recipients. */
export function recipientsFromDeliveryStatus(ds: DeliveryStatus): RawRecipient[] {
  const out: RawRecipient[] = [];
  const reportingMta = stripMtaType(ds.perMessage.get('reporting-mta'));
  for (const block of ds.perRecipient) {
    const finalRcpt = cleanAddress(block.get('final-recipient'));
    const actual = cleanAddress(block.get('x-actual-recipient'));
    const original = cleanAddress(block.get('original-recipient'));
    const recipient = finalRcpt ?? actual ?? original;
    if (!recipient) continue;
    out.push({
      recipient,
      originalRecipient: original,
      dsnAction: dsnAction(block.get('action')),
      status: statusCode(block.get('status')),
      diagnostic: stripDiagnosticType(block.get('diagnostic-code')),
      remoteMta: stripMtaType(block.get('remote-mta')) ?? null,
      reportingMta,
      lastAttempt: block.get('last-attempt-date') ?? null,
      willRetryUntil: block.get('will-retry-until') ?? null,
    });
  }
  return out;
}
