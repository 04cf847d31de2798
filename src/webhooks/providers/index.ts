import type { Normalizer, ProviderName } from '../types.ts';
import { normalizeMailgun } from './mailgun.ts';
import { normalizePostmark } from './postmark.ts';
import { normalizeSendGrid } from './sendgrid.ts';
import { normalizeSes } from './ses.ts';
import { normalizeSparkPost } from './sparkpost.ts';

/** One normalizer per provider; the HTTP route picks one by the path (`/v1/webhooks/:provider`). */
export const NORMALIZERS: Readonly<Record<ProviderName, Normalizer>> = {
  ses: normalizeSes,
  sendgrid: normalizeSendGrid,
  mailgun: normalizeMailgun,
  postmark: normalizePostmark,
  sparkpost: normalizeSparkPost,
};

export { normalizeMailgun, normalizePostmark, normalizeSendGrid, normalizeSes, normalizeSparkPost };
