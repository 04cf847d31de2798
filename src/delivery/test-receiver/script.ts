import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../../policy/duration.ts';

/**
 * A receiver script says how the fault-injecting receiver answers each step of the SMTP
 * conversation, as data (YAML or JSON), e.g.:
 *
 *   # down for the first 5 hours, then up
 *   timeline:
 *     - until: 5h
 *       rcpt: 451 4.3.2 System not accepting network messages
 *
 * Each step takes an answer: `accept` (the normal reply), `stall` (never answer), `drop` (reset
 * the connection) or a reply such as "421 4.3.2 Service not available" (lines split on "\n").
 */

/** A reply the receiver sends instead of the normal one. */
export interface ScriptedReply {
  code: number;
  /** Text of each line, after the code ("4.3.2 System not accepting network messages"). */
  lines: string[];
}
export type Answer = 'accept' | 'stall' | 'drop' | ScriptedReply;

export const PHASES = ['greeting', 'ehlo', 'mail', 'rcpt', 'data', 'message'] as const;
export type ReceiverPhase = (typeof PHASES)[number];

export interface GreylistRule {
  reply: ScriptedReply;
  /** A retry sooner than this after the first try is deferred again (real greylists do that). */
  retryAfterMs: number;
}

/** How the receiver behaves while one part of the timeline applies. */
export interface Behaviour {
  greeting: Answer;
  ehlo: Answer;
  mail: Answer;
  rcpt: Answer;
  data: Answer;
  message: Answer;
  /** Per-recipient RCPT answers (lower-cased address → answer); they win over `rcpt`. */
  recipients: Record<string, Answer>;
  greylist: GreylistRule | null;
}

export interface TimelineStep {
  /** The step applies while the time since the receiver's epoch is below this. */
  untilMs: number;
  changes: Partial<Behaviour>;
}

export interface ReceiverScript {
  name: string;
  base: Behaviour;
  timeline: TimelineStep[];
}

export class ScriptError extends Error {
  override name = 'ScriptError';
}

const REPLY_LINE = /^([2-5]\d\d)(?:[ -](.*))?$/s;

/** "451 4.3.2 text" or several lines; a line without its own code takes the first line's. */
export function parseReplyText(text: string): ScriptedReply {
  const rawLines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const first = rawLines[0] ? REPLY_LINE.exec(rawLines[0]) : null;
  if (!first) throw new ScriptError(`a reply must start with a 3-digit code from 200 to 599, got ${JSON.stringify(text.slice(0, 80))}`);
  const code = Number(first[1]);
  const lines = rawLines.map((line, i) => {
    const m = REPLY_LINE.exec(line);
    if (m && Number(m[1]) === code) return m[2] ?? '';
    if (m && i > 0) throw new ScriptError(`every line of a reply must carry the same code (${code}), got ${JSON.stringify(line)}`);
    return line;
  });
  if (lines.some((l) => /[\x00-\x08\x0b-\x1f\x7f]/.test(l))) throw new ScriptError('a reply may not contain control characters');
  return { code, lines };
}

const answerSchema = z.string().min(1).transform((s, ctx): Answer => {
  const word = s.trim().toLowerCase();
  if (word === 'accept' || word === 'stall' || word === 'drop') return word;
  try {
    return parseReplyText(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected accept, stall, drop or a reply: ${(err as Error).message}` });
    return z.NEVER;
  }
});
const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const DEFAULT_GREYLIST = parseReplyText('451 4.7.1 Greylisted, please try again later');
const greylistSchema = z.union([
  z.boolean().transform((on) => (on ? { reply: DEFAULT_GREYLIST, retryAfterMs: 0 } : null)),
  z.strictObject({ reply: answerSchema.optional(), retryAfter: durationSchema.optional() }).transform((g, ctx) => {
    if (g.reply !== undefined && typeof g.reply === 'string') {
      ctx.addIssue({ code: 'custom', message: 'a greylist reply must be an SMTP reply, not accept/stall/drop' });
      return z.NEVER;
    }
    return { reply: (g.reply as ScriptedReply | undefined) ?? DEFAULT_GREYLIST, retryAfterMs: g.retryAfter ?? 0 };
  }),
]);
const behaviourFields = {
  greeting: answerSchema.optional(),
  ehlo: answerSchema.optional(),
  mail: answerSchema.optional(),
  rcpt: answerSchema.optional(),
  data: answerSchema.optional(),
  message: answerSchema.optional(),
  recipients: z.record(z.string().min(1), answerSchema).optional(),
  greylist: greylistSchema.optional(),
};
const stepSchema = z.strictObject({ until: durationSchema, ...behaviourFields });
const scriptSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  ...behaviourFields,
  timeline: z.array(stepSchema).max(1000).optional(),
});

type BehaviourInput = { [K in keyof typeof behaviourFields]?: z.output<(typeof behaviourFields)[K]> };

function changesOf(input: BehaviourInput): Partial<Behaviour> {
  const out: Partial<Behaviour> = {};
  for (const phase of PHASES) if (input[phase] !== undefined) out[phase] = input[phase];
  if (input.recipients) {
    out.recipients = Object.fromEntries(Object.entries(input.recipients).map(([k, v]) => [k.trim().toLowerCase(), v]));
  }
  if (input.greylist !== undefined) out.greylist = input.greylist;
  return out;
}

export const ACCEPT_ALL: Behaviour = {
  greeting: 'accept', ehlo: 'accept', mail: 'accept', rcpt: 'accept', data: 'accept', message: 'accept',
  recipients: {}, greylist: null,
};

/** Validates a parsed script object; errors name the field ("timeline.1.rcpt: …"). */
export function compileScript(input: unknown, name = 'script'): ReceiverScript {
  const parsed = scriptSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new ScriptError(`${name}: ${detail}`);
  }
  const timeline = (parsed.data.timeline ?? []).map((step) => ({ untilMs: step.until, changes: changesOf(step) }));
  for (let i = 1; i < timeline.length; i++) {
    if (timeline[i]!.untilMs <= timeline[i - 1]!.untilMs) {
      throw new ScriptError(`${name}: timeline.${i}.until must be later than the step before it`);
    }
  }
  return { name: parsed.data.name ?? name, base: { ...ACCEPT_ALL, ...changesOf(parsed.data) }, timeline };
}

/** Parses script text: YAML (which also reads JSON). */
export function parseScript(text: string, name = 'script'): ReceiverScript {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ScriptError(`${name}: not valid YAML or JSON: ${(err as Error).message}`, { cause: err });
  }
  return compileScript(data, name);
}

export function loadScript(path: string): ReceiverScript {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScriptError(`cannot read receiver script ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseScript(text, path);
}

/** The behaviour in force `elapsedMs` after the receiver's epoch: the base, overlaid by the current step. */
export function behaviourAt(script: ReceiverScript, elapsedMs: number): Behaviour {
  const step = script.timeline.find((s) => elapsedMs < s.untilMs);
  return step ? { ...script.base, ...step.changes } : script.base;
}
