import { WebhookPayloadError } from './payload-error.ts';

export interface PayloadLimits {
  /** Largest body accepted, in bytes. SendGrid and SparkPost batches stay well under this. */
  maxBytes: number;
  /** Most events in one batch. */
  maxEvents: number;
}

export const DEFAULT_LIMITS: PayloadLimits = { maxBytes: 10 * 1024 * 1024, maxEvents: 20_000 };

/** Parses a raw webhook body into JSON, with clear errors for empty, huge or broken bodies. */
export function readPayload(provider: string, raw: string | Uint8Array, limits: PayloadLimits = DEFAULT_LIMITS): unknown {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > limits.maxBytes) throw new WebhookPayloadError(provider, `body of ${size} bytes is over the ${limits.maxBytes}-byte limit`);
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (text.trim() === '') throw new WebhookPayloadError(provider, 'empty body');
  try {
    return JSON.parse(quoteBigIntegers(text));
  } catch (err) {
    // a RangeError here is a nesting too deep for the parser: still just a bad body
    throw new WebhookPayloadError(provider, `body is not JSON (${(err as Error).message.slice(0, 120)})`, { cause: err });
  }
}

/** The events of a batch body (an array), refusing anything else and oversized batches. */
export function batchOf(provider: string, payload: unknown, limits: PayloadLimits = DEFAULT_LIMITS): unknown[] {
  if (!Array.isArray(payload)) throw new WebhookPayloadError(provider, `expected a JSON array of events, got ${describe(payload)}`);
  if (payload.length > limits.maxEvents) throw new WebhookPayloadError(provider, `batch of ${payload.length} events is over the ${limits.maxEvents}-event limit`);
  return payload;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Integers beyond 2^53 lose their last digits in JSON.parse, and Postmark's bounce IDs are 64-bit:
 * two IDs would become one and dedupe would drop a real event. Integer literals of 16 digits or
 * more (outside strings) are turned into strings first, so ids keep every digit.
 */
export function quoteBigIntegers(json: string): string {
  if (!/\d{16}/.test(json)) return json;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < json.length) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22) {
      // skip a string, honouring backslash escapes
      i++;
      while (i < json.length && json.charCodeAt(i) !== 0x22) i += json.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
    } else if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      const start = i;
      if (ch === 0x2d) i++;
      while (i < json.length && isDigit(json.charCodeAt(i))) i++;
      const intEnd = i;
      let integer = true;
      if (json[i] === '.') {
        integer = false;
        i++;
        while (i < json.length && isDigit(json.charCodeAt(i))) i++;
      }
      if (json[i] === 'e' || json[i] === 'E') {
        integer = false;
        i++;
        if (json[i] === '+' || json[i] === '-') i++;
        while (i < json.length && isDigit(json.charCodeAt(i))) i++;
      }
      const digits = intEnd - start - (ch === 0x2d ? 1 : 0);
      if (integer && digits >= 16) {
        out += json.slice(last, start) + '"' + json.slice(start, intEnd) + '"';
        last = intEnd;
      }
      if (i === start) i++;
    } else {
      i++;
    }
  }
  return last === 0 ? json : out + json.slice(last);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
