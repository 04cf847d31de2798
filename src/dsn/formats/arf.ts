import type { BounceFormat } from './format.ts';
import { findAddresses, mailboxAddress } from '../address.ts';
import { parseFieldList } from '../rfc3464.ts';
import type { RawRecipient } from '../types.ts';

// Abuse and opt-out feedback (ARF, RFC 5965): multipart/report; report-type=feedback-report with
// a message/feedback-report part ("Feedback-Type: abuse", "Original-Rcpt-To: …"). Also the two
// common look-alikes: Microsoft's JMRP complaint (an enclosed message carrying
// X-HmXmrOriginalRecipient) and Apple Mail's one-click unsubscribe (X-Apple-Unsubscribe: true).
// Not bounces: each complaining recipient comes back with reason "feedback".

const FEEDBACK_REPORT_TYPE = /report-type\s*=\s*"?feedback-report/i;

export const arf: BounceFormat = {
  name: 'arf',
  match: (msg) => msg.feedbackReport !== null || FEEDBACK_REPORT_TYPE.test(msg.headers.raw('content-type') ?? '')
    || msg.returnedHeaders?.has('x-hmxmroriginalrecipient') === true || /^true$/i.test(msg.headers.get('x-apple-unsubscribe') ?? ''),
  extract(msg) {
    const fields = parseFieldList(msg.feedbackReport ?? '');
    const field = (name: string): string[] => fields.filter(([n]) => n === name).map(([, v]) => v);
    let feedbackType = field('feedback-type')[0]?.toLowerCase() ?? null;
    let addresses = findAddresses(field('original-rcpt-to').join(' '));
    if (addresses.length === 0) addresses = findAddresses(field('removal-recipient').join(' '));
    if (addresses.length === 0) addresses = findAddresses(msg.returnedHeaders?.get('x-hmxmroriginalrecipient') ?? '');
    if (/^true$/i.test(msg.headers.get('x-apple-unsubscribe') ?? '')) {
      feedbackType ??= 'opt-out';
      if (addresses.length === 0) addresses = [mailboxAddress(msg.from)].filter((a): a is string => a !== null);
    }
    if (addresses.length === 0) addresses = findAddresses(msg.returnedHeaders?.get('to') ?? '');
    const diagnostic = msg.body.replace(/\s+/g, ' ').trim().slice(0, 300);
    // a complaint that names no recipient is still a complaint: it is reported with an empty address
    if (addresses.length === 0 && (msg.feedbackReport !== null || feedbackType)) addresses = [''];
    const recipients: RawRecipient[] = addresses.map((recipient) => ({
      recipient,
      diagnostic,
      reason: 'feedback',
      reasonRule: 'arf/feedback-report',
      feedbackType: feedbackType ?? 'abuse',
    }));
    return { recipients, kind: 'feedback' };
  },
};
