import type { BounceFormat } from './format.ts';
import { cleanAddress } from '../address.ts';
import { stripDiagnosticType, stripMtaType, statusCode } from '../rfc3464.ts';
import type { FormatResult, RawRecipient } from '../types.ts';

// Amazon SES event notifications delivered by email through SNS ("AWS Notification Message"):
// the body is SNS JSON whose "Message" is the SES event — a Bounce (bouncedRecipients with
// action, status, diagnosticCode), a Complaint (feedback) or a Delivery. Mail systems fold the
// long JSON lines, so folds are undone before parsing.

const FROM = /@sns\.amazonaws\.com|amazonses\.com/i;

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}
interface SesEvent {
  notificationType?: string;
  eventType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: SesRecipient[]; reportingMTA?: string; remoteMtaIp?: string; timestamp?: string };
  complaint?: { complainedRecipients?: SesRecipient[]; complaintFeedbackType?: string };
  delivery?: { recipients?: string[]; smtpResponse?: string; reportingMTA?: string; remoteMtaIp?: string; timestamp?: string };
}

function parseJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return null;
  const body = text.slice(start, end + 1);
  // a fold is "\n" plus one space inserted into a long line; a JSON string never holds a raw newline
  for (const candidate of [body.replace(/\n /g, ''), body.replace(/\n/g, '')]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the other way of undoing the folds
    }
  }
  return null;
}

function sesEvent(text: string): SesEvent | null {
  const outer = parseJson(text.split(/^--\s*$/m)[0]) as { Message?: unknown } | null;
  if (!outer || typeof outer !== 'object') return null;
  if (typeof outer.Message === 'string') {
    try {
      return JSON.parse(outer.Message) as SesEvent;
    } catch {
      return null;
    }
  }
  return outer as SesEvent;
}

export function recipientsFromSesEvent(event: SesEvent): FormatResult | null {
  const type = (event.notificationType ?? event.eventType ?? '').toLowerCase();
  if (type === 'bounce' && event.bounce) {
    const transient = /transient/i.test(event.bounce.bounceType ?? '');
    const recipients: RawRecipient[] = [];
    for (const r of event.bounce.bouncedRecipients ?? []) {
      const recipient = cleanAddress(r.emailAddress);
      if (!recipient) continue;
      recipients.push({
        recipient,
        status: statusCode(r.status),
        diagnostic: stripDiagnosticType(r.diagnosticCode),
        dsnAction: transient ? 'delayed' : 'failed',
        reportingMta: stripMtaType(event.bounce.reportingMTA),
        remoteMta: event.bounce.remoteMtaIp ?? null,
        lastAttempt: event.bounce.timestamp ?? null,
      });
    }
    return { recipients };
  }
  if (type === 'complaint' && event.complaint) {
    const recipients: RawRecipient[] = [];
    for (const r of event.complaint.complainedRecipients ?? []) {
      const recipient = cleanAddress(r.emailAddress);
      if (recipient) recipients.push({ recipient, diagnostic: '', reason: 'feedback', reasonRule: 'amazonses/complaint', feedbackType: event.complaint.complaintFeedbackType ?? 'abuse' });
    }
    return { recipients, kind: 'feedback' };
  }
  if (type === 'delivery' && event.delivery) {
    const recipients: RawRecipient[] = [];
    for (const a of event.delivery.recipients ?? []) {
      const recipient = cleanAddress(a);
      if (recipient) {
        recipients.push({ recipient, diagnostic: event.delivery.smtpResponse ?? '', dsnAction: 'delivered', reportingMta: event.delivery.reportingMTA ?? null, remoteMta: event.delivery.remoteMtaIp ?? null, lastAttempt: event.delivery.timestamp ?? null });
      }
    }
    return { recipients };
  }
  return null;
}

export const amazonSes: BounceFormat = {
  name: 'amazonses',
  match: (msg) => FROM.test(msg.from) && msg.body.includes('"notificationType"') || msg.headers.has('x-amz-sns-message-id'),
  extract(msg) {
    const event = sesEvent(msg.body);
    return event ? recipientsFromSesEvent(event) : null;
  },
};
