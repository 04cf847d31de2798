import type { BounceMessage } from './message.ts';

// What a notice says about itself when its per-recipient text does not: the reporting MTA is still
// trying (a delay warning) or has given up. Read from the subject and the notice's own words;
// a delivery-status part's Action field, where there is one, says it better.

// "There was a temporary problem delivering your message to jane@example.org. Gmail will retry for
// 45 more hours.", "Delivery has been delayed", "This is only a warning; you do not need to resend
// your message.", Sendmail's "THIS IS A WARNING MESSAGE ONLY" / "Will keep trying until message is
// 5 days old", Courier's "advisory notice only"
const STILL_TRYING = /temporary problem delivering|will retry\b|will be retried|will (?:continue|keep) (?:to )?(?:try|retry)|delivery (?:has been |is )?delayed|has been delayed|this is only a (?:warning|temporary)|this is a warning (?:message )?only|advisory (?:notice )?only|only a temporary failure|(?:do not|don't) need to re-?send your message\./i;
// "PERMANENT fatal delivery errors … you do not need to resend your message to delivered recipients"
// (Sendmail's warning lists "transient non-fatal errors")
const PERMANENT = /permanent(?:ly)? (?:fatal |delivery )?(?:error|failure)|(?<!non-)fatal (?:delivery )?errors?|failed permanently|permanent(?:ly)? failed/i;
const GAVE_UP = /in the queue too long|was aborted after \d|not (?:been )?delivered within \d+ days|giving up|has been a permanent failure|retry (?:time|period) (?:has )?(?:expired|exceeded)|retry timeout exceeded|tried \d+ time\(s\)|failed repeatedly and timed out/i;
// Postfix "Delayed Mail (still being retried)", Sendmail and Exim "Warning: …", Courier "WARNING:
// delayed mail.", Stalwart "Warning: Delay in message delivery", Gmail "Delivery Status
// Notification (Delay)", Exchange "Delivery delayed:"
const DELAY_SUBJECT = /^(?:warning:|delayed mail\b|delivery status notification \(delay\)|delivery delayed\b|delay in (?:message )?delivery|message delivery delayed|delivery incomplete)/i;

// Exim's warning prints each address's error after "Delay reason: " in code (deliver.c), so the
// label stays English whatever language a warn_message_file gives the rest
const EXIM_DELAY_REASON = /^[ \t]{2,8}Delay reason: /m;

/** The notice says the queue gave up ("in the queue too long", "retry timeout exceeded"). */
export function noticeGaveUp(text: string): boolean {
  return GAVE_UP.test(text);
}

/** The notice's text says delivery is still being tried, and nothing in it says it has failed for good. */
export function textSaysStillTrying(text: string): boolean {
  return !GAVE_UP.test(text) && !PERMANENT.test(text) && STILL_TRYING.test(text);
}

/**
 * The subject as its sender wrote it: without the tags a gateway puts in front ("[EXTERNAL]",
 * "[SPAM?]") and the reply and forward prefixes a person adds.
 */
export function bareSubject(subject: string): string {
  return subject.replace(/^(?:\s*(?:\[[^\]\n]{0,40}\]|\((?:external|extern)\)|(?:re|fwd?|fw|aw|wg|tr|sv)\s*:))+\s*/i, '').trim();
}

/** A delay warning by its subject or its words, and not a notice of giving up. */
export function noticeSaysStillTrying(msg: BounceMessage, text: string): boolean {
  if (GAVE_UP.test(text) || PERMANENT.test(text)) return false;
  return DELAY_SUBJECT.test(bareSubject(msg.subject)) || /warning-timeout/i.test(msg.headers.get('auto-submitted') ?? '') || STILL_TRYING.test(text) || EXIM_DELAY_REASON.test(text);
}
