import type { BounceFormat } from './format.ts';
import { rfc3464 } from './rfc3464.ts';
import { exim } from './exim.ts';
import { dragonfly } from './dragonfly.ts';
import { qmail } from './qmail.ts';
import { gmail } from './gmail.ts';
import { googleGroups } from './google-groups.ts';
import { yahoo } from './yahoo.ts';
import { sendmailV5 } from './sendmail-v5.ts';
import { arf } from './arf.ts';
import { postfix } from './postfix.ts';
import { opensmtpd } from './opensmtpd.ts';
import { exchange2003 } from './exchange2003.ts';
import { imailserver } from './imailserver.ts';
import { gmx } from './gmx.ts';
import { mfilter } from './mfilter.ts';
import { trendmicro } from './trendmicro.ts';
import { notes } from './notes.ts';
import { ezweb } from './ezweb.ts';
import { kddi } from './kddi.ts';
import { amazonSes } from './amazon-ses.ts';
import { zoho } from './zoho.ts';
import { exchange2007 } from './exchange2007.ts';
import { courier } from './courier.ts';
import { biglobe } from './biglobe.ts';
import { verizon } from './verizon.ts';
import { james } from './james.ts';
import { haraka } from './haraka.ts';
import { stalwart } from './stalwart.ts';
import { rfc3834 } from './rfc3834.ts';
import { returnedRecipient } from './returned-recipient.ts';
import { genericText } from './generic-text.ts';

/**
 * Every bounce format, tried in order: the first whose `match` holds and whose `extract` finds a
 * recipient reads the message. Vendor formats come first (their marks are specific), the
 * standard report next; FALLBACK_FORMATS run only after an enclosed bounce was looked for.
 */
export const FORMATS: readonly BounceFormat[] = [
  arf,
  rfc3464,
  gmx,
  exim,
  dragonfly,
  qmail,
  googleGroups,
  gmail,
  yahoo,
  biglobe,
  sendmailV5,
  postfix,
  opensmtpd,
  exchange2003,
  imailserver,
  mfilter,
  trendmicro,
  notes,
  ezweb,
  kddi,
  amazonSes,
  zoho,
  exchange2007,
  courier,
  verizon,
  james,
  haraka,
  stalwart,
];

export const FALLBACK_FORMATS: readonly BounceFormat[] = [
  rfc3834,
  genericText,
  returnedRecipient,
];
