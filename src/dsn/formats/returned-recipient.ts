import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import { headersAfter } from '../text-scan.ts';
import { fromMailSystem } from './helpers.ts';

// The last resort for a report that names no recipient at all ("--- Delivery report
// unavailable ---", a delivery-status part with only per-message fields, a one-line notice):
// when the mail system's report returns the original message and that message went to exactly
// one address, that address is the recipient. Its diagnostic is whatever the report says.

const BOUNCE_SUBJECT = /undeliver|returned mail|delivery (?:status|fail|notification)|failure notice|mail delivery failed|non[- ]?deliver|could not be delivered|mail system error|rejected/i;

export const returnedRecipient: BounceFormat = {
  name: 'returned-recipient',
  match: (msg) => msg.deliveryStatus.length > 0 || (fromMailSystem(msg) && BOUNCE_SUBJECT.test(msg.subject)),
  extract(msg) {
    const returned = msg.returnedHeaders ?? headersAfter(msg.body);
    const to = findAddresses(returned?.get('to') ?? '');
    if (to.length !== 1) return null;
    const diagnostic = msg.body.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 12).join(' ').slice(0, 600);
    return { recipients: [{ recipient: to[0], diagnostic: msg.deliveryStatus.length > 0 ? '' : diagnostic, dsnAction: 'failed' }], mta: msg.deliveryStatus.length > 0 ? 'rfc3464' : undefined };
  },
};
