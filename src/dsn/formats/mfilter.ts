import type { BounceFormat } from './format.ts';
import { findAddresses } from '../address.ts';
import { section } from '../text-scan.ts';
import { phaseIn } from './helpers.ts';
import type { RawRecipient } from '../types.ts';

// m-FILTER (Digital Arts), a Japanese mail gateway. Japanese prose, then the facts in sections:
//
//   以下のメールアドレスへの送信に失敗しました。
//   jane@example.org
//
//   -------server message
//   550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown
//
//   -------SMTP command
//   DATA

const MARK = /^(?:このメールは「m-FILTER」が自動的に生成して送信しています|-{7}server message\s*$)/m;
const FAILED_LIST = /以下のメールアドレスへの送信に失敗しました。?/;
const SERVER_MESSAGE = /^-{7}server message\s*$/m;
const SMTP_COMMAND = /^-{7}SMTP command\s*$/m;
const ORIGINAL = /^-{7}original (?:mail info|message)\s*$/m;

export const mfilter: BounceFormat = {
  name: 'mfilter',
  match: (msg) => /m-FILTER/i.test(msg.headers.get('x-mailer') ?? '') || MARK.test(msg.body),
  extract(msg) {
    const list = section(msg.body, [FAILED_LIST], [SERVER_MESSAGE, SMTP_COMMAND, ORIGINAL]) ?? '';
    const reply = section(msg.body, [SERVER_MESSAGE], [SMTP_COMMAND, ORIGINAL])?.trim() ?? '';
    const command = section(msg.body, [SMTP_COMMAND], [ORIGINAL, /^-{7}/m])?.trim() ?? '';
    const recipients: RawRecipient[] = findAddresses(list).map((recipient) => ({
      recipient,
      diagnostic: reply,
      phase: phaseIn(command),
      dsnAction: 'failed',
    }));
    return { recipients };
  },
};
