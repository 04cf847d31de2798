import type { BounceFormat } from './format.ts';
import type { RawRecipient } from '../types.ts';

// Stalwart Mail Server's notice (crates/smtp/src/queue/dsn.rs in stalwartlabs/mail-server): a text
// part beside its delivery-status part, one line per recipient after one of four openings:
//
//   Your message could not be delivered to the following recipients:
//
//   <jane@example.org> (host 'mx.example.org' rejected command 'RCPT TO:<jane@example.org>' with code 550 (5.1.1) 'User unknown')
//   <carol@example.net> (connection to 'mx.example.net' failed: Connection timed out)
//   <dave@gone.example> (failed to lookup 'gone.example': …)
//
// When the failure was not a reply (DNS, connection, TLS, DANE, MTA-STS, rate or concurrency
// limits) the delivery-status part carries only Status 5.0.0 or 4.0.0 and no Diagnostic-Code, so
// this line is the only place the cause is given; the delivery-status part is still read first.

const OPENING = /^(?:Your message could not be delivered to (?:the following|some) recipients|There was a temporary problem delivering your message to the following recipients|Your message has been partially delivered):/m;
const LINE = /^<([^<>\s]{1,254}@[^<>\s]{1,254})> \((.{1,2000})\)[ \t]*$/gm;

export const stalwart: BounceFormat = {
  name: 'stalwart',
  match: (msg) => OPENING.test(msg.body),
  extract(msg) {
    const recipients: RawRecipient[] = [];
    for (const m of msg.body.matchAll(LINE)) {
      if (recipients.length >= 100) break;
      recipients.push({ recipient: m[1], diagnostic: m[2].trim() });
    }
    return { recipients };
  },
};
