/**
 * Caps on the work one bounce email may cost. A bounce's own report sits at the start of the
 * message; what grows without bound is the returned message, so reading stops early instead of
 * failing. Every cap that bites leaves a note on the result.
 */
export interface MimeLimits {
  /** Bytes of the raw message read at all; the rest (almost always the returned message) is ignored. */
  maxBytes: number;
  /** multipart and message/rfc822 nesting followed; deeper parts are left unparsed. */
  maxDepth: number;
  /** MIME parts parsed in one message, nested ones included. */
  maxParts: number;
  /** Size of one header block; a bigger one is cut. */
  maxHeaderBytes: number;
  /** Header fields kept from one header block. */
  maxHeaderFields: number;
  /** Characters of decoded text kept from one text part. */
  maxTextChars: number;
}

export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxBytes: 2 * 1024 * 1024,
  maxDepth: 24,
  maxParts: 256,
  maxHeaderBytes: 256 * 1024,
  maxHeaderFields: 1000,
  maxTextChars: 256 * 1024,
});
