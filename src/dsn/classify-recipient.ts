import type { Classification, ClassifyInput, Reason } from '../classify/types.ts';
import type { SmtpPhase } from '../smtp/types.ts';
import type { BounceRecipient, RawRecipient } from './types.ts';
import { decide } from '../classify/decision-table.ts';
import { findEnhanced } from '../smtp/parse-reply.ts';

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
export function chooseStatus(field: string | null, fromText: string | null): { status: string | null; source: 'status-field' | 'diagnostic' | 'diagnostic-on-tie' | null } {
  if (field && fromText && field !== fromText) {
    const [f, t] = [specificity(field), specificity(fromText)];
    return f > t ? { status: field, source: 'status-field' } : { status: fromText, source: f === t ? 'diagnostic-on-tie' : 'diagnostic' };
  }
  if (field) return { status: field, source: 'status-field' };
  if (fromText) return { status: fromText, source: 'diagnostic' };
  return { status: null, source: null };
}

/**
 * The queue running out: a report about a message that sat in the sender's queue while the
 * receiving side kept failing in passing ways. What the last attempt met becomes the reason only
 * if it says more than the clock running out; otherwise the reason is `expired` (Sisimai's
 * "delivery time expired": the message stayed in the queue too long). Checked in order.
 * - A report that gave up for good after connections kept timing out.
 * - A report that gave up for good although the last reply was only a temporary refusal (4xx)
 *   that named no cause ("421 Service not available", a bare 451): the retry time ran out. A
 *   named network fault (no route, refused connection) stays `networkerror`.
 * - A delay warning ("will retry until…") whose last attempt met a network fault, no stated
 *   reason, or a server that was not taking mail by its code alone (a bare 421): the message has
 *   outlived the reporting MTA's warning time and is still waiting. A text that names why the
 *   domain takes no mail ("No MX found") keeps `notaccept`.
 * A transient block, rate limit or full mailbox keeps its own reason: it names a cause to fix.
 */
const QUEUE_RAN_OUT: ReadonlyArray<{ id: string; action: string; reasons: ReadonlySet<Reason>; transientOnly?: boolean; text?: RegExp; codeOnly?: ReadonlySet<Reason> }> = [
  { id: 'dsn/failed-after-timeouts', action: 'failed', reasons: new Set(['networkerror']), text: /\btimed?\s?out\b/i },
  { id: 'dsn/failed-after-temporary-errors', action: 'failed', reasons: new Set(['notaccept', 'onhold', 'undefined']), transientOnly: true },
  { id: 'dsn/delayed-in-queue', action: 'delayed', reasons: new Set(['networkerror', 'onhold', 'undefined']), codeOnly: new Set(['notaccept']) },
];

/** Rules that decide by a code alone (or by nothing): the reply's words said nothing more. */
const CODE_ONLY_RULE = /^(?:enhanced-fallback|basic|builtin)\//;

/** What a local delivery program reports faithfully: the mailbox's storage. */
const STORAGE_REASONS: ReadonlySet<Reason> = new Set(['mailboxfull', 'mesgtoobig', 'exceedlimit', 'systemfull']);

/**
 * A reporting MTA's own summary wrapped around the remote server's reply, as Amazon SES writes
 * it: "5.1.0 - Unknown address error 550-'5.7.1 <bob@example.com>... Access denied' (delivery
 * attempts: 0)". The summary is the reporter's guess; the quoted reply is what the server said,
 * so it is what gets classified. The summary's code stands in only when the reply has none.
 */
const SUMMARY_THEN_QUOTED_REPLY = /^([245]\.\d{1,3}\.\d{1,3}) - [^'\n]{1,80}? ([245]\d\d)[- ]'([^']{1,2000})'/;

function remoteReplyOf(reply: string): string {
  const m = SUMMARY_THEN_QUOTED_REPLY.exec(reply);
  if (!m) return reply;
  return ENHANCED_IN_TEXT.test(m[3]) ? `${m[2]} ${m[3]}` : `${m[2]} ${m[1]} ${m[3]}`;
}

/**
 * An unknown address that is the sender's, not the recipient's: a sender-verifying server
 * answers "550 5.1.1 <bob@example.com>... User unknown" or "553 <bob@example.com>: Domain not
 * found" about the envelope sender it could not find. Read by the words alone that would be a
 * hard bounce of a recipient nothing was said about, so when the reply quotes the sender and not
 * the recipient the reason is `rejected` (the sender's address was refused). Other reasons keep
 * their words: servers quote the sender beside a refusal of the client host ("<bob@…>… Please
 * use the smtp server of your ISP", "… Access denied" from an access map), and what the reply
 * names (the host, a policy) is still the cause.
 */
const SENDER_NAMED_REASONS: ReadonlySet<Reason> = new Set(['userunknown', 'hostunknown', 'filtered']);

function namesOnlySender(reply: string, recipient: string, senders: readonly string[]): boolean {
  if (senders.length === 0 || !reply.includes('@')) return false;
  const text = reply.toLowerCase();
  const rcpt = recipient.toLowerCase();
  if (rcpt !== '' && mentions(text, rcpt)) return false;
  return senders.some((s) => s !== rcpt && mentions(text, s));
}

const ADDRESS_CHAR = /[a-z0-9._%+=-]/;

/** Whether `text` names `address` whole: "n@example.com" is not named by "ann@example.com". */
function mentions(text: string, address: string): boolean {
  for (let at = text.indexOf(address); at !== -1; at = text.indexOf(address, at + 1)) {
    const before = at > 0 ? text[at - 1] : '';
    const after = text[at + address.length] ?? '';
    if (!ADDRESS_CHAR.test(before) && !/[a-z0-9-]/.test(after)) return true;
  }
  return false;
}

const CLASS_OF_ACTION = { failed: 'permanent', delayed: 'transient', delivered: 'success' } as const;

/**
 * Classifies one recipient of a bounce with the same classifier a live SMTP reply goes through,
 * so the same words give the same answer. The Status field and the diagnostic are reconciled
 * first (see chooseStatus). When neither carries a code, the report's own verdict (failed,
 * delayed, delivered) gives the class and the words the reason; `status` then stays null rather
 * than inventing one.
 */
export function classifyRecipient(raw: RawRecipient, classify: ClassifyFn, senders: readonly string[] = []): BounceRecipient {
  if (raw.reason === 'feedback' || raw.reason === 'vacation') return notABounce(raw);
  // multi-line replies keep their lines for the classifier ("550-5.7.26 …" continuation lines)
  const reported = raw.diagnostic.trim().slice(0, MAX_DIAGNOSTIC);
  const reply = remoteReplyOf(reported);
  const diagnostic = reported.replace(/\s+/g, ' ');
  const phase = raw.phase ?? undefined;
  let c = classify(reply || raw.status || '', { phase });
  const textCode = c.enhanced ?? codeIn(reply);
  const copied = statusCopiesReplyCode(raw.status ?? null, c.basic, textCode);
  const statusField = copied ? `${raw.status![0]}.0.0` : raw.status ?? null;
  const { status, source } = chooseStatus(statusField, textCode);
  let rulePrefix = copied ? 'dsn/status-copies-reply-code+' : '';
  if (statusField && textCode && statusField !== textCode) {
    rulePrefix = source === 'diagnostic' ? 'dsn/diagnostic-more-specific+' : source === 'diagnostic-on-tie' ? 'dsn/diagnostic-on-tie+' : 'dsn/status-field-more-specific+';
  } else if (statusField && !textCode && reply !== '' && !copied) {
    rulePrefix = 'dsn/status-field+';
  }
  if (status && status !== c.enhanced) c = classify(`${c.basic ?? ''} ${status} ${c.text}`.trim(), { phase });
  const verdict = raw.dsnAction && raw.dsnAction in CLASS_OF_ACTION ? CLASS_OF_ACTION[raw.dsnAction as keyof typeof CLASS_OF_ACTION] : null;
  if (c.class === null && verdict !== null) {
    c = { ...c, class: verdict, ...pick(decide(verdict, c.reason, c.text, c.enhanced)) };
    rulePrefix = `dsn/${raw.dsnAction}-without-code+`;
  }
  // A delay warning says the reporting MTA still holds the message and will try again, whatever
  // the code it quotes (Postfix keeps retrying after "554 Blocked" at the greeting): the outcome
  // so far is transient. The quoted code still gives the reason.
  if (raw.dsnAction === 'delayed' && c.class === 'permanent') {
    c = { ...c, class: 'transient', ...pick(decide('transient', c.reason, c.text, c.enhanced)) };
    rulePrefix = `dsn/delayed-is-transient+${rulePrefix}`;
  }
  // A failure report that quotes a success: Domino R5 wrote "because: 250 Message received OK." into
  // reports of mail it did not deliver (IBM technote 1100477). The report's verdict stands; the 2xx
  // is no reason, so the reason is not given.
  if (raw.dsnAction === 'failed' && c.class === 'success') {
    c = { ...c, class: 'permanent', reason: 'onhold', ...pick(decide('permanent', 'onhold', c.text, c.enhanced)) };
    rulePrefix = `dsn/failed-despite-success-reply+${rulePrefix}`;
  }
  let result: Classification = { ...c, rule: rulePrefix + c.rule };
  const ranOut = QUEUE_RAN_OUT.find((q) => q.action === raw.dsnAction
    && (q.reasons.has(result.reason) || (q.codeOnly?.has(result.reason) && CODE_ONLY_RULE.test(c.rule)))
    && (!q.transientOnly || result.class === 'transient') && (!q.text || q.text.test(reply)));
  // a local delivery program's own exit status says more than the queue's clock
  if (raw.localProgram && !STORAGE_REASONS.has(result.reason)) result = withReason(result, 'mailererror', `dsn/x-unix-program-failed+${result.rule}`);
  else if (ranOut) result = withReason(result, 'expired', `${ranOut.id}+${result.rule}`);
  else if (!raw.reason && SENDER_NAMED_REASONS.has(result.reason) && namesOnlySender(reply, raw.recipient, senders)) result = withReason(result, 'rejected', `dsn/refusal-names-the-sender+${result.rule}`);
  else if (raw.reason && raw.reason !== result.reason) result = withReason(result, raw.reason, raw.reasonRule ?? `format/${raw.reason}`);
  else if (raw.fallbackReason && (result.reason === 'undefined' || result.reason === 'onhold')) {
    result = withReason(result, raw.fallbackReason, `format/fallback-${raw.fallbackReason}+${result.rule}`);
  } else if (raw.dsnAction === 'failed' && result.reason === 'undefined' && reply !== '') {
    // the report says delivery failed but not why: a failure whose reason is not given (Sisimai's
    // `onhold`), not one no one could read
    result = withReason(result, 'onhold', `dsn/failed-unexplained+${result.rule}`);
  }
  // "failed" means the reporting MTA has given up (RFC 3464 2.3.3), whatever the code of the last
  // attempt: a 4xx it quotes was temporary for that attempt, but nothing will try again, so the
  // outcome is final. (The reason above already says what the last attempt met.)
  if (raw.dsnAction === 'failed' && result.class === 'transient') {
    result = { ...result, class: 'permanent', rule: `dsn/failed-is-final+${result.rule}`, ...pick(decide('permanent', result.reason, result.text, result.enhanced)) };
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

/**
 * A Status that is only the reply's basic code spelled as an enhanced one: Stalwart writes
 * "554 Transaction failed" as Status 5.5.4 and "421 …" as 4.2.1 when the reply carried no enhanced
 * code (queue/dsn.rs), which RFC 3463 would read as "invalid command arguments" or "mailbox
 * disabled". With no enhanced code in the reply, such a Status says only the class.
 */
function statusCopiesReplyCode(status: string | null, basic: number | null, textCode: string | null): boolean {
  return status !== null && basic !== null && textCode === null && status.replace(/\./g, '') === String(basic);
}

/** An enhanced code the classifier did not take from the reply's start, read as the reply parser reads running text. */
function codeIn(text: string): string | null {
  return findEnhanced(text);
}

/**
 * A format that knows the reason outright (a provider's own wording the classifier has no rule
 * for) replaces it; hardbounce and the decision follow from the classifier's own decision table.
 */
function withReason(c: Classification, reason: Reason, rule: string): Classification {
  return { ...c, reason, rule, ...pick(decide(c.class, reason, c.text, c.enhanced)) };
}
