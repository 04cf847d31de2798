import { bodyText, isEnclosedHeaders, isEnclosedMessage, parseMime, toBinaryString, type MimeEntity } from './mime/parse-mime.ts';
import { EMPTY_HEADERS, Headers, parseHeaderBlock } from './mime/headers.ts';
import { DEFAULT_MIME_LIMITS, type MimeLimits } from './mime/limits.ts';
import { htmlToText } from './html-to-text.ts';

/**
 * A bounce email as the format modules see it: the top headers, the human-readable text, the
 * machine-readable reports, and the returned message's headers. Text is decoded (transfer
 * encoding and charset) only for the parts a bounce needs.
 */
export interface BounceMessage {
  headers: Headers;
  /** Decoded Subject and From of the bounce itself. */
  subject: string;
  from: string;
  /** The human-readable text: every text part outside the returned message, in order, LF newlines. */
  body: string;
  /** Text of every message/delivery-status (or global-delivery-status) part. */
  deliveryStatus: string[];
  /** Text of a message/feedback-report part (ARF), or null. */
  feedbackReport: string | null;
  /** Headers of the returned (original) message, when the bounce carries them as a MIME part. */
  returnedHeaders: Headers | null;
  /** The returned message as an entity, for bounces that enclose another bounce. */
  returnedEntity: MimeEntity | null;
  /** Leaf parts in order, for formats that need to look at a particular one. */
  leaves: MimeEntity[];
  notes: string[];
  /** The raw input was larger than the cap and only its start was read. */
  truncated: boolean;
}

const REPORT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const LOOKS_LIKE_MESSAGE_HEADERS = ['received', 'message-id', 'return-path'];

function isAttachment(e: MimeEntity): boolean {
  return /^\s*attachment/i.test(e.headers.raw('content-disposition') ?? '');
}

/** A leaf with no Content-Type of its own whose "headers" are really a returned message's. */
function isBareReturnedMessage(e: MimeEntity): boolean {
  return !e.headers.has('content-type') && LOOKS_LIKE_MESSAGE_HEADERS.some((h) => e.headers.has(h));
}

export function readBounceMessage(raw: Buffer | string, limits: MimeLimits = DEFAULT_MIME_LIMITS): BounceMessage {
  const { src, cut, size } = toBinaryString(raw, limits.maxBytes);
  const { root, notes } = parseMime(src, limits);
  if (cut) notes.unshift(`only the first ${limits.maxBytes} of ${size} bytes were read`);
  return fromEntity(root, notes, cut, limits);
}

/** Builds the bounce view of an already parsed message (also used for a bounce enclosed in another). */
export function fromEntity(root: MimeEntity, notes: string[], truncated: boolean, limits: MimeLimits = DEFAULT_MIME_LIMITS): BounceMessage {
  const texts: string[] = [];
  const deliveryStatus: string[] = [];
  let feedbackReport: string | null = null;
  let returnedHeaders: Headers | null = null;
  let returnedEntity: MimeEntity | null = null;
  const leaves: MimeEntity[] = [];
  const htmlTexts: string[] = [];
  let textChars = 0;

  const visit = (e: MimeEntity, plainBeside = false): void => {
    if (e.type.startsWith('multipart/') && e.children.length > 0) {
      // an HTML part says nothing new beside a plain-text alternative of itself
      const plain = e.type === 'multipart/alternative' && e.children.some((c) => c.type === 'text/plain');
      for (const c of e.children) visit(c, plain);
      return;
    }
    if (isEnclosedMessage(e.type)) {
      if (!returnedEntity) {
        returnedEntity = e.children[0] ?? null;
        returnedHeaders = returnedEntity?.headers ?? null;
      }
      leaves.push(e);
      return;
    }
    leaves.push(e);
    if (REPORT_TYPES.has(e.type)) {
      deliveryStatus.push(bodyText(e, limits.maxTextChars));
      return;
    }
    if (e.type === 'message/feedback-report') {
      feedbackReport ??= bodyText(e, limits.maxTextChars);
      return;
    }
    if (isEnclosedHeaders(e.type)) {
      if (!returnedHeaders) {
        const bin = e.src.slice(e.bodyStart, e.bodyEnd);
        returnedHeaders = parseHeaderBlock(bin, 0, bin.length, limits).headers;
      }
      return;
    }
    if (e !== root && isBareReturnedMessage(e)) {
      returnedHeaders ??= e.headers;
      return;
    }
    if (textChars > limits.maxTextChars) return;
    if (e.type === 'text/plain' || e.type === 'text/enriched' || (e.type.startsWith('text/') && !e.type.includes('html') && !isAttachment(e))) {
      const t = bodyText(e, limits.maxTextChars);
      textChars += t.length;
      texts.push(t);
    } else if (e.type === 'text/html' && !isAttachment(e)) {
      const t = htmlToText(bodyText(e, limits.maxTextChars));
      htmlTexts.push(t);
      // an HTML notice beside an unrelated plain part (a list footer) is read too
      if (!plainBeside) {
        textChars += t.length;
        texts.push(t);
      }
    }
  };
  visit(root);

  const headers = root.headers ?? EMPTY_HEADERS;
  const body = (texts.length > 0 ? texts : htmlTexts).join('\n');
  return {
    headers,
    subject: headers.get('subject') ?? '',
    from: headers.get('from') ?? '',
    body,
    deliveryStatus,
    feedbackReport,
    returnedHeaders,
    returnedEntity,
    leaves,
    notes,
    truncated,
  };
}

/** The readable text of the enclosed (returned) message, for notices that wrap another report. */
export function enclosedText(msg: BounceMessage, limits: MimeLimits = DEFAULT_MIME_LIMITS): string {
  return msg.returnedEntity ? fromEntity(msg.returnedEntity, [], msg.truncated, limits).body : '';
}
