import { parseHeaderBlock, type Headers } from './mime/headers.ts';
import { DEFAULT_MIME_LIMITS } from './mime/limits.ts';

// Small tools the format modules share for reading bounce text: cut a section between markers,
// split it into per-recipient blocks, find the returned message's headers in plain text.

const globalCopies = new WeakMap<RegExp, RegExp>();

/** A sticky-free global copy of `p`, compiled once, for scanning from an offset. */
function globalOf(p: RegExp): RegExp {
  let g = globalCopies.get(p);
  if (!g) {
    g = new RegExp(p.source, p.flags.includes('g') ? p.flags : p.flags + 'g');
    globalCopies.set(p, g);
  }
  return g;
}

/** Index just past the first match of any pattern, or -1. */
export function indexAfter(text: string, patterns: readonly RegExp[], from = 0): number {
  let best = -1;
  for (const p of patterns) {
    const re = globalOf(p);
    re.lastIndex = from;
    const m = re.exec(text);
    if (m && (best === -1 || m.index + m[0].length < best)) best = m.index + m[0].length;
  }
  return best;
}

/** Index of the first match of any pattern at or after `from`, or -1. */
export function indexOfAny(text: string, patterns: readonly RegExp[], from = 0): number {
  let best = -1;
  for (const p of patterns) {
    const re = globalOf(p);
    re.lastIndex = from;
    const m = re.exec(text);
    if (m && (best === -1 || m.index < best)) best = m.index;
  }
  return best;
}

/**
 * The text after the first `start` marker (or from the top when `start` is empty) up to the
 * first `end` marker after it (or the end). Null when a start marker is required but absent.
 */
export function section(text: string, start: readonly RegExp[], end: readonly RegExp[]): string | null {
  let from = 0;
  if (start.length > 0) {
    from = indexAfter(text, start);
    if (from === -1) return null;
  }
  const to = end.length > 0 ? indexOfAny(text, end, from) : -1;
  return text.slice(from, to === -1 ? text.length : to);
}

/** Lines that show where a bounce's text stops and the returned message begins. */
export const RETURNED_MESSAGE_MARKERS: readonly RegExp[] = [
  /^-+ ?Below this line is a copy of the message\.?/im,
  /^-+ ?This is a copy of (?:the|your) message,? including all the headers\.? ?-*$/im,
  /^-+ ?(?:The )?(?:header of the )?original message (?:is )?(?:follows|following|below)?\.? ?-*\s*$/im,
  /^-+ ?Original message ?-+$/im,
  /^-+ ?Enclosed is a copy of the message\.?/im,
  /^ *-+ ?Unsent message follows ?-+/im,
  /^ *-+ ?Returned message ?-+/im,
  /^ *-+ ?Original message follows\.?/im,
  /^Original message follows\.?\s*$/im,
  /^Message headers follow\.?\s*$/im,
  /^-+ ?The header of the original message is following\.? ?-+/im,
  /^-+ ?original message ?$/im,
  /^Included is a copy of the message header:?/im,
  /^ *-+ ?Original message header(?:s)? follows? ?-+/im,
  // Exchange 2007 and later, in the diagnostic part of an NDR for administrators
  /^Original message headers:\s*$/im,
];

/** All the markers as one expression: a single pass over the text finds the first of them. */
const ANY_RETURNED_MESSAGE_MARKER = new RegExp(RETURNED_MESSAGE_MARKERS.map((r) => `(?:${r.source})`).join('|'), 'im');

/** The header block that follows the first of `markers` in `text`, or null. */
export function headersAfter(text: string, markers: readonly RegExp[] = RETURNED_MESSAGE_MARKERS): Headers | null {
  let at: number;
  if (markers === RETURNED_MESSAGE_MARKERS) {
    const m = ANY_RETURNED_MESSAGE_MARKER.exec(text);
    at = m ? m.index + m[0].length : -1;
  } else at = indexAfter(text, markers);
  if (at === -1) return null;
  // skip the rest of the marker line, blank lines and "-----" rulers before the headers
  const rest = /^[^\n]*\n(?:[ \t]*(?:-{3,}[^\n]*)?\n)*/.exec(text.slice(at));
  if (rest) at += rest[0].length;
  // headers quoted with leading spaces (fml, some gateways) are read unindented
  let block = text.slice(at, at + 64 * 1024);
  if (/^[ \t]+\S/.test(block)) block = block.replace(/^[ \t]{1,4}/gm, '');
  const { headers } = parseHeaderBlock(block, 0, block.length, DEFAULT_MIME_LIMITS);
  return headers.size > 0 ? headers : null;
}

let lastText = '';
let lastBefore = '';

/** The text before the returned message starts (the last answer is kept: formats ask in turn). */
export function beforeReturnedMessage(text: string): string {
  if (text === lastText) return lastBefore;
  const m = ANY_RETURNED_MESSAGE_MARKER.exec(text);
  lastText = text;
  lastBefore = m ? text.slice(0, m.index) : text;
  return lastBefore;
}
