// Bounce emails: `parseBounce(raw)` reads an RFC 3464 report or an MTA's own format and classifies
// every recipient with the same classifier live SMTP replies go through.
import { classify } from '../classify/index.ts';
import { parseBounceWith, type ParseBounceOptions } from './parse-bounce.ts';
import type { ParsedBounce } from './types.ts';

export { parseBounceWith } from './parse-bounce.ts';
export type { ParseBounceOptions } from './parse-bounce.ts';
export type { ClassifyFn } from './classify-recipient.ts';
export { bounceToEvents } from './to-events.ts';
export type { ToEventsOptions } from './to-events.ts';
export { parseVerp, REBOUND_ID_HEADER } from './verp.ts';
export type { VerpOptions } from './verp.ts';
export { DEFAULT_MIME_LIMITS } from './mime/limits.ts';
export type { MimeLimits } from './mime/limits.ts';
export { FORMATS, FALLBACK_FORMATS } from './formats/index.ts';
export type { BounceFormat } from './formats/format.ts';
export type * from './types.ts';

/**
 * Reads one email (a Buffer of its bytes, or a string) and says whether it is a bounce, of which
 * kind, from which MTA, for which recipients and why. Never throws: an input that cannot be read
 * comes back with `error` set. Pass `classify` to use a classifier with your own rules.
 */
export function parseBounce(raw: Buffer | string, options: Partial<ParseBounceOptions> = {}): ParsedBounce {
  return parseBounceWith(raw, { classify, ...options });
}
