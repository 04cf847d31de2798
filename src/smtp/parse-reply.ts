import type { ParsedReply, SmtpPhase, ReplyClass } from './types.ts';
import { classOfBasic, classOfEnhanced, normalizeEnhanced } from './enhanced-code.ts';
import { resolveConflict } from './class-conflict.ts';
import { errorFacts, isNetworkCode } from './network-error.ts';
import { findRecipient } from './recipient.ts';
import { inferPhase } from './phase.ts';

/**
 * Hostile-input bounds. Only the first MAX_INPUT characters of a reply are read at all (a real
 * reply is a few hundred bytes; RFC 5321 caps a reply line at 512), and the normalized text kept
 * for matching is cut at MAX_TEXT. Every regex below is linear: no nested quantifiers.
 */
export const MAX_INPUT = 64 * 1024;
export const MAX_TEXT = 8 * 1024;
const MAX_RAW = 8 * 1024;

export interface ParseOptions {
  phase?: SmtpPhase;
}

// "Diagnostic-Code: smtp; 550 …", "smtp;550 …", "X-Postfix; …": the DSN wrapper around a reply.
const DSN_PREFIX = /^\s*(?:diagnostic-code\s*:\s*)?(?:smtp|esmtp|lmtp|x-[a-z0-9-]{1,30}|unix)\s*;\s*/i;
const LINE_CODE = /^\s*([2-5]\d\d)(?:[ -]|$)/;
// "#4.3.2", "(4.3.2)", "4.3.2": an enhanced code at the start of what is left of a line.
const LEADING_ENHANCED = /^\s*[#(\[]?([245]\.\d{1,3}\.\d{1,3})[)\]]?(?:[ \t]+|(?=[\s:;,])|$)/;
// Inside running text only the registered subjects (0–7) count, so a version number such as
// "Exim 4.96.2" is not read as a status; at the start of a line any subject is accepted.
// Codes found inside running text are failures only (4xx/5xx): a success there is a quote of an
// earlier step ("Remote host closed connection in response to EHLO … (EHLO response was: 250-…)"),
// never the outcome being reported; a success reply starts with its code.
// basic followed by enhanced somewhere in a wrapped text: "… said: 550 5.1.1 <x>: …"
const PAIR_IN_TEXT = /(?:^|[^\w.])([45]\d\d)[ -]{1,3}[#(]?([45]\.[0-7]\.\d{1,3})(?![\d]|\.\d)/;
// an enhanced code anywhere, not part of an IP address or version number
const ENHANCED_IN_TEXT = /(?:^|[^\w.])[#(\[]?([45]\.[0-7]\.\d{1,3})(?![\d]|\.\d)/g;
// nor the section of an RFC the text cites, checked on the few characters before a match only:
// HestiaCP's "550 Access denied - Invalid HELO name (See RFC2821 4.1.3)" names section 4.1.3, and
// read as a status it became a bad mailbox (5.1.3) and a hard bounce
const CITES_RFC = /\brfc[ -]?\d{3,4},?[ \t]{1,3}(?:section[ \t]{1,3}|sec\.[ \t]{0,3}|§[ \t]{0,3})?[#(\[]?$/i;
// a basic code standing alone after something that introduces a reply
const BASIC_IN_TEXT = /(?:^|[:;\]>)]\s*|\bsaid:?\s+|\b(?:error|code|reply|response|status)\s*:?\s+)([45][0-5]\d)(?=[\s.,;:-]|$)/i;
const CONTROL_AND_SPACE = /[\s\x00-\x1f\x7f]+/g;
const LINE_BREAK = /\r\n|\r|\n/;
// controls, DEL, a double space, or a non-ASCII character that \s matches
const FOLDABLE = /[\x00-\x1f\x7f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}/;

/** Parses one SMTP outcome (a reply, a DSN Diagnostic-Code, a bare status, or a Node error). */
export function parseReply(input: string | Error, opts: ParseOptions = {}): ParsedReply {
  if (input instanceof Error) return parseError(input, opts);
  const text = typeof input === 'string' ? input : String(input ?? '');
  return parseText(text, opts.phase ?? null);
}

function parseError(err: Error, opts: ParseOptions): ParsedReply {
  const facts = errorFacts(err);
  const phase = opts.phase ?? facts.phase;
  if (facts.response !== null) return parseText(facts.response, phase);
  const message = fold(facts.message.slice(0, MAX_INPUT)).slice(0, MAX_TEXT);
  // Any error without an SMTP reply is a failure to talk at all: transient, the address untouched.
  const code = facts.code !== null && (isNetworkCode(facts.code) || /^E[A-Z_]+$/.test(facts.code)) ? facts.code : 'ERROR';
  return {
    basic: null,
    enhanced: null,
    class: 'transient',
    conflict: null,
    text: message,
    raw: facts.message.slice(0, MAX_RAW),
    recipient: null,
    phase: phase ?? 'connect',
    networkError: code,
  };
}

function parseText(input: string, phase: SmtpPhase | null): ParsedReply {
  const source = input.length > MAX_INPUT ? input.slice(0, MAX_INPUT) : input;
  let basic: number | null = null;
  let enhanced: string | null = null;
  const parts: string[] = [];
  let kept = 0;
  const lines = source.indexOf('\n') !== -1 || source.indexOf('\r') !== -1 ? source.split(LINE_BREAK) : [source];
  let first = true;
  for (let line of lines) {
    // the codes come first and the text kept is capped: later lines cannot change the answer
    if (kept > MAX_TEXT) break;
    if (first) {
      if (line.trim() === '') continue;
      if (line.indexOf(';') !== -1) line = line.replace(DSN_PREFIX, '');
      first = false;
    }
    const code = LINE_CODE.exec(line);
    if (code) {
      const lineBasic = Number(code[1]);
      if (basic === null) basic = lineBasic;
      // a multi-line reply repeats its code on every line; another code starts another reply's text
      line = line.slice(code[0].length);
    }
    if (code || parts.length === 0) {
      const enh = LEADING_ENHANCED.exec(line);
      if (enh) {
        if (enhanced === null) enhanced = normalizeEnhanced(enh[1]);
        line = line.slice(enh[0].length);
      }
    }
    parts.push(line);
    kept += line.length + 1;
  }
  let text = fold(parts.join(' ')).slice(0, MAX_TEXT);
  // A multi-line reply flattened into one line by a bounce ("550-5.7.1 … multiple 550 5.7.1
  // addresses …") still carries its continuation codes mid-text; they would split phrases.
  if (basic !== null && enhanced !== null && text.indexOf(` ${basic}`) !== -1) text = stripRepeatedCodes(text, basic, enhanced);

  // A session quoted from its greeting ("220-mx.example.org … 421 4.2.1 Service refused"): the
  // success comes first, the failure that ended the session later, and the failure is the outcome.
  if (basic !== null && basic < 300) {
    const pair = PAIR_IN_TEXT.exec(text);
    const failure = pair ? Number(pair[1]) : Number(BASIC_IN_TEXT.exec(text)?.[1] ?? NaN);
    if (failure >= 400) {
      basic = failure;
      if (pair) enhanced = normalizeEnhanced(pair[2]);
    }
  }
  if (basic === null && enhanced === null) {
    const pair = PAIR_IN_TEXT.exec(text);
    if (pair) {
      basic = Number(pair[1]);
      enhanced = normalizeEnhanced(pair[2]);
    }
  }
  if (enhanced === null) enhanced = findEnhanced(text);
  if (basic === null) {
    const b = BASIC_IN_TEXT.exec(text);
    if (b) basic = Number(b[1]);
  }

  const basicClass = classOfBasic(basic);
  const enhancedClass = classOfEnhanced(enhanced);
  let cls: ReplyClass | null = basicClass ?? enhancedClass;
  let conflict = null;
  if (basicClass !== null && enhancedClass !== null && basicClass !== enhancedClass) {
    conflict = resolveConflict(basicClass, enhancedClass);
    cls = conflict.winner === 'basic' ? basicClass : enhancedClass;
  }
  return {
    basic,
    enhanced,
    class: cls,
    conflict,
    text,
    raw: source.length > MAX_RAW ? source.slice(0, MAX_RAW) : source,
    recipient: findRecipient(text),
    phase: phase ?? inferPhase(text),
    networkError: null,
  };
}

function stripRepeatedCodes(text: string, basic: number, enhanced: string): string {
  let out = text;
  for (const sep of ['-', ' ']) {
    const code = ` ${basic}${sep}${enhanced} `;
    if (out.indexOf(code) !== -1) out = out.split(code).join(' ');
  }
  return out;
}

/**
 * The first enhanced code in running text, preferring a specific one over a generic X.0.0: a
 * failure (4.x.x / 5.x.x) with a registered subject (0–7), not part of an IP address
 * ("[2.13.185.201]", "5.1.1.40") or a version number, nor a provider's own tag ("[#4.16.1]").
 */
export function findEnhanced(text: string): string | null {
  ENHANCED_IN_TEXT.lastIndex = 0;
  let generic: string | null = null;
  for (let i = 0; i < 8; i++) {
    const m = ENHANCED_IN_TEXT.exec(text);
    if (!m) break;
    const at = m.index + m[0].length - m[1]!.length;
    if (CITES_RFC.test(text.slice(Math.max(0, at - 24), at))) continue;
    const code = normalizeEnhanced(m[1]);
    if (code === null) continue;
    if (!code.endsWith('.0.0')) return code;
    generic ??= code;
  }
  return generic;
}

function fold(s: string): string {
  return needsFolding(s) ? s.replace(CONTROL_AND_SPACE, ' ').trim() : s;
}

/** True when folding would change `s`; most replies need none, and this check allocates nothing. */
function needsFolding(s: string): boolean {
  return s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32 || FOLDABLE.test(s);
}
