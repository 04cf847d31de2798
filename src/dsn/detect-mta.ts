import type { BounceMessage } from './message.ts';

/**
 * Which MTA wrote a standard (RFC 3464) report, from the marks each leaves: its greeting line,
 * its own DSN fields, its headers. Data, checked in order; the first hit names the MTA.
 */
interface MtaMark {
  mta: string;
  /** Tested against the human-readable text. */
  body?: RegExp;
  /** Tested against the delivery-status part. */
  report?: RegExp;
  /** Header name → pattern on its value ('' = present at all). */
  header?: [string, RegExp | ''];
}

const MARKS: readonly MtaMark[] = [
  { mta: 'postfix', body: /^This is the (?:Postfix|mail system) program at host /m },
  { mta: 'postfix', report: /^X-Postfix-(?:Queue-ID|Sender):/im },
  { mta: 'postfix', body: /^This is the mail system at host /m },
  { mta: 'sendmail', report: /^X-Actual-Recipient:/im },
  { mta: 'sendmail', body: /^ {0,4}-{5} (?:The following addresses had permanent fatal errors|Transcript of session follows) -{5}/m },
  { mta: 'exchange2007', header: ['x-ms-exchange-message-is-ndr', ''] },
  { mta: 'exim', report: /^X-Exim-Diagnostic:/im },
  { mta: 'courier', body: /^This is a delivery status notification from /m },
  { mta: 'opensmtpd', body: /This is the MAILER-DAEMON, please DO NOT REPLY/ },
  { mta: 'qmail', body: /This is the qmail-send program/ },
];

export function detectMta(msg: BounceMessage): string | null {
  for (const mark of MARKS) {
    if (mark.body && mark.body.test(msg.body)) return mark.mta;
    if (mark.report && msg.deliveryStatus.some((r) => mark.report!.test(r))) return mark.mta;
    if (mark.header) {
      const v = msg.headers.get(mark.header[0]);
      if (v !== undefined && (mark.header[1] === '' || mark.header[1].test(v))) return mark.mta;
    }
  }
  return null;
}
