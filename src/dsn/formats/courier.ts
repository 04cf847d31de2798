import type { BounceFormat } from './format.ts';
import { beforeReturnedMessage } from '../text-scan.ts';
import { qmailStyleBlocks } from './qmail-style.ts';

// The Courier mail server's notice (its machine-readable twin is a standard delivery-status part):
//
//   This is a delivery status notification from mx.example.org,
//   running the Courier mail server, version 0.65.2.
//   …
//   <jane@example.org>:
//       mx.example.org [192.0.2.45]:
//   >>> RCPT TO:<jane@example.org>
//   <<< 550 Unknown user jane@example.org

const MARK = /^running the Courier mail server|^This is a delivery status notification from \S+,?\s*$/m;

export const courier: BounceFormat = {
  name: 'courier',
  match: (msg) => MARK.test(msg.body),
  extract: (msg) => ({ recipients: qmailStyleBlocks(beforeReturnedMessage(msg.body), { indentedHeads: true }) }),
};
