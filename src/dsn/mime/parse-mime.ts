import libmime from 'libmime';
import { EMPTY_HEADERS, Headers, looksLikeHeader, parseHeaderBlock } from './headers.ts';
import { binaryToText, decodeTransfer } from './charset.ts';
import { DEFAULT_MIME_LIMITS, type MimeLimits } from './limits.ts';

/** One MIME entity: its headers and where its body lies in `src` (a binary string, LF newlines). */
export interface MimeEntity {
  headers: Headers;
  /** Lower-case media type, "text/plain" when none is given. */
  type: string;
  params: Record<string, string>;
  src: string;
  bodyStart: number;
  bodyEnd: number;
  /** Parts of a multipart, or the one enclosed message of a message/rfc822. */
  children: MimeEntity[];
  depth: number;
}

export interface ParsedMime {
  root: MimeEntity;
  /** Why some of the message was not looked at (a cap bit, a boundary was missing…). */
  notes: string[];
}

interface Ctx {
  limits: MimeLimits;
  parts: number;
  notes: Set<string>;
}

const ENCLOSED_MESSAGE = new Set(['message/rfc822', 'message/global', 'message/partial']);
// text/rfc822-header (singular) is a common misspelling in ARF reports
const ENCLOSED_HEADERS = new Set(['text/rfc822-headers', 'text/rfc822-header', 'message/rfc822-headers', 'message/global-headers']);

/** Normalizes newlines to LF; bytes stay bytes. */
export function toBinaryString(raw: Buffer | string, maxBytes: number): { src: string; cut: boolean; size: number } {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const cut = buf.length > maxBytes;
  let src = (cut ? buf.subarray(0, maxBytes) : buf).toString('latin1');
  if (src.includes('\r')) src = src.replace(/\r\n?/g, '\n');
  return { src, cut, size: buf.length };
}

/** Parses a whole message (already a binary string) into its MIME tree, within the limits. */
export function parseMime(src: string, limits: MimeLimits = DEFAULT_MIME_LIMITS): ParsedMime {
  const ctx: Ctx = { limits, parts: 0, notes: new Set() };
  const root = parseEntity(src, 0, src.length, 0, 'text/plain', ctx, true);
  return { root, notes: [...ctx.notes] };
}

function parseContentType(raw: string | undefined, fallback: string): { type: string; params: Record<string, string> } {
  if (!raw) return { type: fallback, params: {} };
  try {
    const parsed = libmime.parseHeaderValue(raw);
    // the media type token alone: RFC 2045 5.1 allows comments around it
    // ("message/delivery-status (machine readable)")
    const type = /^\s*(?:\([^()]{0,200}\)\s*)?([\w!#$%&'*+.^`{|}~-]+\/[\w!#$%&'*+.^`{|}~-]+)/.exec(parsed.value)?.[1]?.toLowerCase();
    return { type: type ?? fallback, params: parsed.params };
  } catch {
    return { type: fallback, params: {} };
  }
}

function parseEntity(src: string, start: number, end: number, depth: number, defaultType: string, ctx: Ctx, isMessage: boolean): MimeEntity {
  ctx.parts++;
  // A part that does not open with a header field has none: its body starts right away.
  const hasHeaders = isMessage || looksLikeHeader(src, start) || src.startsWith('\n', start);
  let headers = EMPTY_HEADERS;
  let bodyStart = start;
  if (hasHeaders) {
    const block = parseHeaderBlock(src, start, end, ctx.limits);
    headers = block.headers;
    bodyStart = block.bodyStart;
    if (block.cut) ctx.notes.add(`a header block was longer than ${ctx.limits.maxHeaderBytes} bytes or ${ctx.limits.maxHeaderFields} fields and was cut`);
  }
  const { type, params } = parseContentType(headers.raw('content-type'), defaultType);
  const entity: MimeEntity = { headers, type, params, src, bodyStart, bodyEnd: end, children: [], depth };
  if (!type.startsWith('multipart/') && !ENCLOSED_MESSAGE.has(type)) return entity;
  if (depth >= ctx.limits.maxDepth) {
    ctx.notes.add(`MIME nesting deeper than ${ctx.limits.maxDepth} levels: inner parts were not read`);
    return entity;
  }
  if (ctx.parts >= ctx.limits.maxParts) {
    ctx.notes.add(`more than ${ctx.limits.maxParts} MIME parts: the rest were not read`);
    return entity;
  }
  if (type.startsWith('multipart/')) splitMultipart(entity, ctx);
  else enclose(entity, ctx);
  return entity;
}

/** message/rfc822: the body is a whole message (transfer-encoded now and then, against the RFC). */
function enclose(entity: MimeEntity, ctx: Ctx): void {
  const cte = entity.headers.raw('content-transfer-encoding')?.toLowerCase();
  if (cte === 'base64' || cte === 'quoted-printable') {
    const inner = decodeTransfer(entity.src.slice(entity.bodyStart, entity.bodyEnd), cte).replace(/\r\n?/g, '\n');
    entity.children.push(parseEntity(inner, 0, inner.length, entity.depth + 1, 'text/plain', ctx, true));
    return;
  }
  entity.children.push(parseEntity(entity.src, entity.bodyStart, entity.bodyEnd, entity.depth + 1, 'text/plain', ctx, true));
}

interface Delimiter {
  lineStart: number;
  next: number;
  close: boolean;
}

/** The next "--boundary" line at or after `from`, or null. */
function findDelimiter(src: string, marker: string, from: number, end: number): Delimiter | null {
  let pos = from;
  while (pos < end) {
    let at: number;
    if (pos === from && src.startsWith(marker, pos) && (pos === 0 || src.charCodeAt(pos - 1) === 10)) at = pos;
    else {
      const nl = src.indexOf('\n' + marker, pos);
      if (nl === -1 || nl >= end) return null;
      at = nl + 1;
    }
    const after = at + marker.length;
    const close = src.startsWith('--', after);
    let i = close ? after + 2 : after;
    while (i < end && (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9)) i++;
    if (i >= end || src.charCodeAt(i) === 10) {
      return { lineStart: at, next: i >= end ? end : i + 1, close };
    }
    pos = after; // a longer boundary that merely starts with ours
  }
  return null;
}

function splitMultipart(entity: MimeEntity, ctx: Ctx): void {
  const boundary = entity.params.boundary;
  const { src, bodyStart, bodyEnd } = entity;
  if (!boundary) {
    ctx.notes.add(`a ${entity.type} has no boundary: read as plain text`);
    entity.type = 'text/plain';
    return;
  }
  const marker = '--' + boundary;
  let d = findDelimiter(src, marker, bodyStart, bodyEnd);
  if (!d) {
    ctx.notes.add(`the boundary of a ${entity.type} never occurs: read as plain text`);
    entity.type = 'text/plain';
    return;
  }
  const childType = entity.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  while (d && !d.close) {
    if (ctx.parts >= ctx.limits.maxParts) {
      ctx.notes.add(`more than ${ctx.limits.maxParts} MIME parts: the rest were not read`);
      return;
    }
    const next = findDelimiter(src, marker, d.next, bodyEnd);
    // the newline before a delimiter belongs to the delimiter
    const partEnd = next ? Math.max(d.next, next.lineStart - 1) : bodyEnd;
    if (!next) ctx.notes.add(`a ${entity.type} ends without its closing boundary (truncated?)`);
    entity.children.push(parseEntity(src, d.next, partEnd, entity.depth + 1, childType, ctx, false));
    d = next;
  }
}

/** The body of an entity, transfer-decoded, as a binary string. */
export function bodyBinary(entity: MimeEntity): string {
  const bin = entity.src.slice(entity.bodyStart, entity.bodyEnd);
  return decodeTransfer(bin, entity.headers.raw('content-transfer-encoding'));
}

/** The body of a text entity as text, in its charset, cut at `maxChars`. */
export function bodyText(entity: MimeEntity, maxChars: number = DEFAULT_MIME_LIMITS.maxTextChars): string {
  let bin = bodyBinary(entity);
  if (bin.length > maxChars * 4) bin = bin.slice(0, maxChars * 4);
  let text = binaryToText(bin, entity.params.charset);
  if (entity.type === 'text/plain' && /^flowed$/i.test(entity.params.format ?? '')) text = unflow(text, /^yes$/i.test(entity.params.delsp ?? ''));
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/**
 * RFC 3676 format=flowed: a line ending in a space continues on the next (a mail client wrapped
 * it); a leading space was added to stuff the line. Joined back, a wrapped SMTP reply or a
 * recipient line reads as it was written. The signature separator "-- " is not a soft break.
 */
function unflow(text: string, delsp: boolean): string {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (line.endsWith(' ') && line !== '-- ') pending += delsp ? line.slice(0, -1) : line;
    else {
      out.push(pending + line);
      pending = '';
    }
  }
  if (pending !== '') out.push(pending);
  return out.join('\n');
}

export function isEnclosedMessage(type: string): boolean {
  return ENCLOSED_MESSAGE.has(type);
}

export function isEnclosedHeaders(type: string): boolean {
  return ENCLOSED_HEADERS.has(type);
}
