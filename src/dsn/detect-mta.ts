import type { BounceMessage } from './message.ts';

/**
 * Who sent a bounce, from the marks each mail system leaves: its greeting line, its own DSN
 * fields, its headers. Two tables, checked in order, first hit wins. VENDORS name the provider
 * or product even when the report itself is written by a stock MTA (Mail.Ru's is Exim's, Yandex's
 * is Postfix's); MTAS name the MTA behind a standard RFC 3464 report.
 */
interface Mark {
  mta: string;
  /** Tested against the human-readable text. */
  body?: RegExp;
  /** Tested against the delivery-status part(s). */
  report?: RegExp;
  /** Header name and a pattern on its value ('' = the header is present at all). */
  header?: [string, RegExp | ''];
}

const VENDORS: readonly Mark[] = [
  { mta: 'amazonworkmail', header: ['x-mailer', /^Amazon WorkMail/i] },
  // SES receiving (inbound) before sending: its reports also carry X-SES-Outgoing
  { mta: 'amazonses-inbound', report: /^Reporting-MTA:\s*dns;\s*inbound-smtp\.[\w-]+\.amazonaws\.com/im },
  { mta: 'amazonses', report: /^Reporting-MTA:\s*dns;\s*\S+\.amazonses\.com/im },
  { mta: 'amazonses', header: ['x-ses-outgoing', ''] },
  { mta: 'office365', report: /^Reporting-MTA:\s*dns;\s*\S+\.(?:prod\.outlook\.com|protection\.outlook\.com|outlook\.office365\.com|prod\.exchangelabs\.com)/im },
  { mta: 'outlook', report: /^Reporting-MTA:\s*dns;\s*\S+\.hotmail\.(?:example\.)?com/im },
  { mta: 'gmail', header: ['from', /mailer-daemon@googlemail\.com/i] },
  { mta: 'yandex', header: ['x-yandex-front', ''] },
  { mta: 'mailru', header: ['from', /@corp\.mail\.ru\b/i] },
  { mta: 'mxlogic', header: ['x-mx-bounce', ''] },
  { mta: 'powermta', header: ['x-powermta-bouncecategory', ''] },
  { mta: 'powermta', header: ['x-powermta-virtualmta', ''] },
  { mta: 'sendgrid', header: ['x-sendgrid-queueid', ''] },
  { mta: 'surfcontrol', header: ['x-sef-processed', ''] },
  { mta: 'mcafee', header: ['x-nai-header', ''] },
  { mta: 'amavis', header: ['from', /Content-filter at /i] },
  { mta: 'messagingserver', header: ['content-type', /boundary="?Boundary_\(ID_/i] },
  { mta: 'messagelabs', header: ['from', /@messagelabs\.com\b/i] },
  { mta: 'sendgrid', body: /^This is an automatically generated message from SendGrid\./m },
  { mta: 'domino', header: ['subject', /^DELIVERY FAILURE: /] },
  { mta: 'barracuda', header: ['subject', /^\*\*Message you sent blocked by our bulk email filter\*\*/] },
];

const MTAS: readonly Mark[] = [
  { mta: 'postfix', body: /^This is the (?:Postfix|mail system) program at host |^This is the mail system at host /m },
  { mta: 'postfix', report: /^X-Postfix-(?:Queue-ID|Sender):/im },
  { mta: 'sendmail', report: /^X-Actual-Recipient:/im },
  { mta: 'sendmail', body: /^ {0,4}-{5} (?:The following addresses had permanent fatal errors|Transcript of session follows) -{5}/m },
  { mta: 'exchange2007', header: ['x-ms-exchange-message-is-ndr', ''] },
  { mta: 'exchange2007', header: ['x-ms-exchange-organization-scl', ''] },
  { mta: 'exim', report: /^X-Exim-Diagnostic:/im },
  // the opening line of Exim's default bounce and warning texts (deliver.c), which also head its
  // multipart/report since 4.86
  { mta: 'exim', body: /^This message was created automatically by mail delivery software\./m },
  // Exim's multipart boundary ("<time>-eximdsn-<random>"), which stays when the text is translated
  { mta: 'exim', header: ['content-type', /boundary="?\d+-eximdsn-\d+/i] },
  { mta: 'courier', body: /running the Courier mail server/ },
  { mta: 'opensmtpd', body: /This is the MAILER-DAEMON, please DO NOT REPLY/ },
  { mta: 'qmail', body: /This is the qmail-send program/ },
  { mta: 'haraka', body: /^Hi\. This is the Haraka Mailer program at /m },
  { mta: 'james', body: /^Hi\. This is the James mail server at /m },
];

function first(marks: readonly Mark[], msg: BounceMessage): string | null {
  for (const mark of marks) {
    if (mark.body && mark.body.test(msg.body)) return mark.mta;
    if (mark.report && msg.deliveryStatus.some((r) => mark.report!.test(r))) return mark.mta;
    if (mark.header) {
      const v = mark.header[0] === 'content-type' ? msg.headers.raw('content-type') : msg.headers.get(mark.header[0]);
      if (v !== undefined && (mark.header[1] === '' || mark.header[1].test(v))) return mark.mta;
    }
  }
  return null;
}

/** The provider or product whose mail system sent the bounce, when its marks say so. */
export function detectVendor(msg: BounceMessage): string | null {
  return first(VENDORS, msg);
}

/** The MTA that wrote a standard report, when its marks say so. */
export function detectMta(msg: BounceMessage): string | null {
  return first(MTAS, msg);
}

/** Every name the marks can give (docs/bounce-parsing.md lists them; a test keeps the two alike). */
export const MARK_NAMES: readonly string[] = [...new Set([...VENDORS, ...MTAS].map((m) => m.mta))];
