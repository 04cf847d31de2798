import type { BounceFormat } from './format.ts';
import { parseDeliveryStatus, recipientsFromDeliveryStatus } from '../rfc3464.ts';
import { findAddresses } from '../address.ts';
import { headersAfter } from '../text-scan.ts';
import type { RawRecipient } from '../types.ts';

// A standard DSN: multipart/report; report-type=delivery-status with a message/delivery-status
// part (RFC 3464). Also DSN fields written into a text part by MTAs that label them wrongly.

const FIELDS_IN_TEXT = /^(?:Final|Original)-Recipient:[ \t]*\S/im;

export const rfc3464: BounceFormat = {
  name: 'rfc3464',
  match: (msg) => msg.deliveryStatus.length > 0 || FIELDS_IN_TEXT.test(msg.body),
  extract(msg) {
    const recipients: RawRecipient[] = [];
    const sources = msg.deliveryStatus.length > 0 ? msg.deliveryStatus : [msg.body];
    // looked up only for a block that names no Internet address
    const sole = (): string | null => {
      const to = findAddresses((msg.returnedHeaders ?? headersAfter(msg.body))?.get('to') ?? '');
      return sources.length === 1 && to.length === 1 ? to[0] : null;
    };
    for (const text of sources) recipients.push(...recipientsFromDeliveryStatus(parseDeliveryStatus(text), sole));
    return { recipients };
  },
};
