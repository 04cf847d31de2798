import type { Classification, ClassifyInput, Reason } from '../classify/types.ts';
import type { SmtpPhase } from '../smtp/types.ts';
import type { BounceRecipient, RawRecipient } from './types.ts';
import { decide } from '../classify/decision-table.ts';

export type ClassifyFn = (input: ClassifyInput, opts?: { phase?: SmtpPhase }) => Classification;

const MAX_DIAGNOSTIC = 4000;
const ENHANCED_IN_TEXT = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

/** How much an enhanced code says: X.0.0 says only the class, X.Y.0 the subject, X.Y.Z all. */
function specificity(code: string): number {
  const [, subject, detail] = code.split('.');
  return (subject !== '0' ? 2 : 0) + (detail !== '0' ? 1 : 0);
}

/**
 * Which enhanced code to believe when the Status field and the diagnostic text both carry one:
 * the more specific; on a tie the diagnostic, since it is what the receiving server said while
 * the Status field is the reporting MTA's own summary of it.
 */
export function chooseStatus(field: string | null, fromText: string | null): { status: string | null; source: 'status-field' | 'diagnostic' | null } {
  if (field && fromText && field !== fromText) {
    return specificity(field) > specificity(fromText) ? { status: field, source: 'status-field' } : { status: fromText, source: 'diagnostic' };
  }
  if (field) return { status: field, source: 'status-field' };
  if (fromText) return { status: fromText, source: 'diagnostic' };
  return { status: null, source: null };
}

/**
 * A report that gave up for good on a transient failure: once the retry time has run out, what
 * the last attempt met becomes the reason only if it is more than the clock running out.
 * Connections that kept timing out are the clock running out.
 */
const GAVE_UP: ReadonlyArray<{ id: string; after: Reason; text: RegExp; reason: Reason }> = [
  { id: 'dsn/failed-after-timeouts', after: 'networkerror', text: /\btimed? ?out\b/i, reason: 'expired' },
];

/** What a local delivery program reports faithfully: the mailbox's storage. */
const STORAGE_REASONS: ReadonlySet<Reason> = new Set(['mailboxfull', 'mesgtoobig', 'exceedlimit', 'systemfull']);

const CLASS_OF_ACTION = { failed: 'permanent', delayed: 'transient', delivered: 'success' } as const;

/**
 * Classifies one recipient of a bounce with the same classifier a live SMTP reply goes through,
 * so the same words give the same answer. The Status field and the diagnostic are reconciled
 * first (see chooseStatus). When neither carries a code, the report's own verdict (failed,
 * delayed, delivered) gives the class and the words the reason; `status` then stays null rather
 * than inventing one.
 */
export function classifyRecipient(raw: RawRecipient, classify: ClassifyFn): BounceRecipient {
  if (raw.reason === 'feedback' || raw.reason === 'vacation') return notABounce(raw);
  // multi-line replies keep their lines for the classifier ("550-5.7.26 …" continuation lines)
  const reply = raw.diagnostic.trim().slice(0, MAX_DIAGNOSTIC);
  const diagnostic = reply.replace(/\s+/g, ' ');
  const phase = raw.phase ?? undefined;
  let c = classify(reply || raw.status || '', { phase });
  const textCode = c.enhanced ?? codeIn(reply);
  const { status, source } = chooseStatus(raw.status ?? null, textCode);
  let rulePrefix = '';
  if (raw.status && textCode && raw.status !== textCode) {
    rulePrefix = source === 'diagnostic' ? 'dsn/diagnostic-more-specific+' : 'dsn/status-field-more-specific+';
  } else if (raw.status && !textCode && reply !== '') {
    rulePrefix = 'dsn/status-field+';
  }
  if (status && status !== c.enhanced) c = classify(`${c.basic ?? ''} ${status} ${c.text}`.trim(), { phase });
  const verdict = raw.dsnAction && raw.dsnAction in CLASS_OF_ACTION ? CLASS_OF_ACTION[raw.dsnAction as keyof typeof CLASS_OF_ACTION] : null;
  if (c.class === null && verdict !== null && c.reason !== 'networkerror') {
    c = { ...c, class: verdict, ...pick(decide(verdict, c.reason, c.text)) };
    rulePrefix = `dsn/${raw.dsnAction}-without-code+`;
  }
  let result: Classification = { ...c, rule: rulePrefix + c.rule };
  const gaveUp = raw.dsnAction === 'failed' ? GAVE_UP.find((g) => g.after === result.reason && g.text.test(reply)) : undefined;
  if (gaveUp) result = withReason(result, gaveUp.reason, `${gaveUp.id}+${result.rule}`);
  else if (raw.localProgram && !STORAGE_REASONS.has(result.reason)) result = withReason(result, 'mailererror', `dsn/x-unix-program-failed+${result.rule}`);
  else if (raw.reason && raw.reason !== result.reason) result = withReason(result, raw.reason, raw.reasonRule ?? `format/${raw.reason}`);
  else if (raw.fallbackReason && (result.reason === 'undefined' || result.reason === 'onhold')) {
    result = withReason(result, raw.fallbackReason, `format/fallback-${raw.fallbackReason}+${result.rule}`);
  }
  return {
    ...result,
    recipient: raw.recipient,
    originalRecipient: raw.originalRecipient && raw.originalRecipient !== raw.recipient ? raw.originalRecipient : null,
    dsnAction: raw.dsnAction ?? null,
    status: status ?? null,
    diagnostic,
    remoteMta: raw.remoteMta ?? null,
    reportingMta: raw.reportingMta ?? null,
    lastAttempt: raw.lastAttempt ?? null,
    willRetryUntil: raw.willRetryUntil ?? null,
    feedbackType: raw.feedbackType ?? null,
  };
}

function pick(d: { type: Classification['type']; action: Classification['action']; retryable: boolean; hardbounce: boolean }) {
  return { type: d.type, action: d.action, retryable: d.retryable, hardbounce: d.hardbounce };
}

/** Feedback reports and auto-replies: nothing failed, nothing to retry or suppress. */
function notABounce(raw: RawRecipient): BounceRecipient {
  return {
    basic: null, enhanced: null, class: null, type: 'undetermined', reason: raw.reason!, hardbounce: false,
    retryable: false, action: 'none', rule: raw.reasonRule ?? raw.reason!, text: '',
    recipient: raw.recipient, originalRecipient: null, dsnAction: null, status: null,
    diagnostic: raw.diagnostic, remoteMta: null, reportingMta: null, lastAttempt: null, willRetryUntil: null,
    feedbackType: raw.feedbackType ?? null,
  };
}

function codeIn(text: string): string | null {
  const m = ENHANCED_IN_TEXT.exec(text);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

/**
 * A format that knows the reason outright (a provider's own wording the classifier has no rule
 * for) replaces it; hardbounce and the decision follow from the classifier's own decision table.
 */
function withReason(c: Classification, reason: Reason, rule: string): Classification {
  return { ...c, reason, rule, ...pick(decide(c.class, reason, c.text)) };
}
