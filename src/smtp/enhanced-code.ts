import type { ReplyClass } from './types.ts';

/** class.subject.detail; subject and detail up to three digits (RFC 3463: 1–3 digits each). */
const ENHANCED_SHAPE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

export interface EnhancedParts {
  class: 2 | 4 | 5;
  subject: number;
  detail: number;
}

/** Splits "4.3.2" into numbers; null when the string is not an enhanced status code. */
export function splitEnhanced(code: string): EnhancedParts | null {
  const m = ENHANCED_SHAPE.exec(code);
  if (!m) return null;
  return { class: Number(m[1]) as 2 | 4 | 5, subject: Number(m[2]), detail: Number(m[3]) };
}

const normalized = new Map<string, string | null>();

/** Leading zeros mean nothing in an enhanced code ("5.01.001" is 5.1.1). Memoized: few codes recur. */
export function normalizeEnhanced(code: string): string | null {
  let n = normalized.get(code);
  if (n !== undefined) return n;
  const p = splitEnhanced(code);
  n = p ? `${p.class}.${p.subject}.${p.detail}` : null;
  if (normalized.size < 4096) normalized.set(code, n);
  return n;
}

export function classOfDigit(digit: number): ReplyClass | null {
  if (digit === 2) return 'success';
  if (digit === 4) return 'transient';
  if (digit === 5) return 'permanent';
  return null;
}

/** 2xx success, 4xx transient, 5xx permanent; 1xx and 3xx are intermediate, not an outcome. */
export function classOfBasic(basic: number | null): ReplyClass | null {
  return basic === null ? null : classOfDigit(Math.floor(basic / 100));
}

export function classOfEnhanced(enhanced: string | null): ReplyClass | null {
  return enhanced === null ? null : classOfDigit(enhanced.charCodeAt(0) - 48);
}
