import { decodeHeaderValue } from './charset.ts';
import type { MimeLimits } from './limits.ts';

export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** Unfolded value as a binary string (not yet decoded). */
  raw: string;
}

/** A header block, read once; values are decoded when asked for. */
export class Headers {
  private readonly byName = new Map<string, HeaderField[]>();
  constructor(readonly fields: readonly HeaderField[]) {
    for (const f of fields) {
      const list = this.byName.get(f.name);
      if (list) list.push(f);
      else this.byName.set(f.name, [f]);
    }
  }
  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
  private readonly decoded = new Map<string, string>();
  /** The first field of that name, decoded and trimmed (once), or undefined. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    const cached = this.decoded.get(key);
    if (cached !== undefined) return cached;
    const f = this.byName.get(key);
    if (!f) return undefined;
    const value = decodeHeaderValue(f[0].raw).trim();
    this.decoded.set(key, value);
    return value;
  }
  getAll(name: string): string[] {
    return (this.byName.get(name.toLowerCase()) ?? []).map((f) => decodeHeaderValue(f.raw).trim());
  }
  /** The first field of that name as written (binary string), for structured values like Content-Type. */
  raw(name: string): string | undefined {
    return this.byName.get(name.toLowerCase())?.[0].raw.trim();
  }
  get size(): number {
    return this.fields.length;
  }
}

export const EMPTY_HEADERS = new Headers([]);

const FIELD_LINE = /^([!-9;-~]+)[ \t]*:/;

/** Whether the text at `pos` starts like a header field (`Name: value`). */
export function looksLikeHeader(src: string, pos: number): boolean {
  const end = src.indexOf('\n', pos);
  const line = src.slice(pos, end === -1 ? Math.min(src.length, pos + 1000) : Math.min(end, pos + 1000));
  return FIELD_LINE.test(line);
}

export interface HeaderBlock {
  headers: Headers;
  /** Offset of the body: just after the blank line that ends the block. */
  bodyStart: number;
  /** The block was longer than the cap and was cut. */
  cut: boolean;
}

/**
 * Reads the header block that starts at `start` in `src` (LF newlines) and ends at the first
 * empty line, or at `end`. Lines that are neither fields nor continuations are skipped; an mbox
 * "From " line in front is skipped too.
 */
export function parseHeaderBlock(src: string, start: number, end: number, limits: MimeLimits): HeaderBlock {
  let blankAt = src.indexOf('\n\n', start);
  if (src.startsWith('\n', start)) blankAt = start - 1;
  let blockEnd = blankAt === -1 || blankAt >= end ? end : blankAt + 1;
  let bodyStart = blankAt === -1 || blankAt >= end ? end : blankAt + 2;
  let cut = false;
  if (blockEnd - start > limits.maxHeaderBytes) {
    blockEnd = start + limits.maxHeaderBytes;
    cut = true;
  }
  const fields: HeaderField[] = [];
  let pos = start;
  if (src.startsWith('From ', pos)) {
    const nl = src.indexOf('\n', pos);
    pos = nl === -1 || nl >= blockEnd ? blockEnd : nl + 1;
  }
  let current: HeaderField | null = null;
  while (pos < blockEnd) {
    let nl = src.indexOf('\n', pos);
    if (nl === -1 || nl > blockEnd) nl = blockEnd;
    const line = src.slice(pos, nl);
    pos = nl + 1;
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && current) {
      current.raw += ' ' + line.trim();
      continue;
    }
    const m = FIELD_LINE.exec(line);
    if (!m) {
      current = null;
      continue;
    }
    if (fields.length >= limits.maxHeaderFields) {
      cut = true;
      current = null;
      continue;
    }
    current = { name: m[1].toLowerCase(), raw: line.slice(m[0].length).trim() };
    fields.push(current);
  }
  if (bodyStart > end) bodyStart = end;
  return { headers: new Headers(fields), bodyStart, cut };
}
