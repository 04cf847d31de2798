import type { Classification, ClassifyInput, Reason } from '../classify/types.ts';
import type { SmtpPhase } from '../smtp/types.ts';
import type { BounceRecipient, RawRecipient } from './types.ts';

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
 * the more specific; on a tie the Status field (it is the report's structured statement).
 */
export function chooseStatus(field: string | null, fromText: string | null): { status: string | null; source: 'status-field' | 'diagnostic' | null } {
  if (field && fromText && field !== fromText) {
    return specificity(fromText) > specificity(field) ? { status: fromText, source: 'diagnostic' } : { status: field, source: 'status-field' };
  }
  if (field) return { status: field, source: 'status-field' };
  if (fromText) return { status: fromText, source: 'diagnostic' };
  return { status: null, source: null };
}

/**
 * Classifies one recipient of a bounce with the same classifier a live SMTP reply goes through,
 * so the same words give the same answer. The Status field and the diagnostic are reconciled
 * first (see chooseStatus); when neither carries a code, the report's own verdict (failed or
 * delayed) supplies the class, and `status` stays null rather than inventing one.
 */
export function classifyRecipient(raw: RawRecipient, classify: ClassifyFn): BounceRecipient {
  if (raw.reason === 'feedback' || raw.reason === 'vacation') return notABounce(raw);
  // multi-line replies keep their lines for the classifier ("550-5.7.26 …" continuation lines)
  const reply = raw.diagnostic.trim().slice(0, MAX_DIAGNOSTIC);
  const diagnostic = reply.replace(/\s+/g, ' ');
  const phase = raw.phase ?? undefined;
  let c = classify(reply || raw.status || '', { phase });
  const textCode = c.enhanced ?? codeIn(diagnostic);
  const { status, source } = chooseStatus(raw.status ?? null, textCode);
  let rulePrefix = '';
  if (status && status !== c.enhanced) {
    c = classify(`${c.basic ?? ''} ${status} ${c.text}`.trim(), { phase });
    if (raw.status && textCode && raw.status !== textCode) rulePrefix = source === 'diagnostic' ? 'dsn/diagnostic-more-specific+' : 'dsn/status-field-wins+';
  } else if (status && raw.status && textCode && raw.status !== textCode) {
    rulePrefix = 'dsn/diagnostic-more-specific+';
  }
  let implied = false;
  if (!status && c.class === null && c.basic === null && (raw.dsnAction === 'failed' || raw.dsnAction === 'delayed')) {
    // no code anywhere: the report's verdict gives the class, the words the reason
    c = classify(`${raw.dsnAction === 'failed' ? '5.0.0' : '4.0.0'} ${reply}`, { phase });
    implied = true;
    rulePrefix = `dsn/${raw.dsnAction}-without-code+`;
  }
  let result: Classification = { ...c, rule: rulePrefix + c.rule, enhanced: implied ? null : c.enhanced };
  if (raw.reason && raw.reason !== result.reason) result = withReason(result, raw.reason, raw.reasonRule ?? `format/${raw.reason}`, classify);
  else if (raw.fallbackReason && result.reason === 'undefined') result = withReason(result, raw.fallbackReason, `format/fallback-${raw.fallbackReason}`, classify);
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
 * for) replaces it; hardbounce and the decision follow the new reason through the classifier's
 * own table, by classifying the reason's canonical wording with the same codes.
 */
function withReason(c: Classification, reason: Reason, rule: string, classify: ClassifyFn): Classification {
  void classify;
  const hardbounce = reason === 'userunknown' || reason === 'hostunknown' || reason === 'hasmoved'
    || (reason === 'notaccept' && c.class !== 'transient');
  return { ...c, reason, rule, hardbounce };
}
