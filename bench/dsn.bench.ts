// Bounce-email parsing speed on one core: emails per second over the Sisimai corpus (read in
// place from ../shared/corpus, never copied; the project's own fixtures when it is absent),
// parsing and classifying every recipient. Also the MIME layer alone, and the two full MIME
// parsers the issue names (mailparser, postal-mime) over the same emails, to show why Rebound
// walks MIME itself. Median of several timed rounds after a warm-up; each email is parsed whole.
// Prints a markdown section on stdout; progress on stderr.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';
import { parseBounce } from '../src/dsn/index.ts';
import { readBounceMessage } from '../src/dsn/message.ts';

const ROUNDS = Number(process.env.BENCH_DSN_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_DSN_ROUND_MS ?? 1500);
const FULL_PARSER_EMAILS = Number(process.env.BENCH_DSN_FULL_PARSER_EMAILS ?? 440);

const root = new URL('..', import.meta.url).pathname;
const corpusDir = join(root, '..', 'shared', 'corpus', 'sisimai', 'eml');
const fixtureDir = join(root, 'test', 'fixtures', 'dsn');
const dir = existsSync(corpusDir) ? corpusDir : fixtureDir;
const emails = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f)));
const bytes = emails.reduce((n, e) => n + e.length, 0);
const label = dir === corpusDir ? `the Sisimai corpus (${emails.length} real bounces, ${(bytes / 1024).toFixed(0)} KiB)` : `the project's fixtures (${emails.length} emails)`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Emails per second of a synchronous pass over every email, median of the rounds. */
function rateSync(name: string, pass: (raw: Buffer) => unknown): number {
  for (let i = 0; i < 2; i++) for (const e of emails) pass(e);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ROUND_MS) {
      for (const e of emails) pass(e);
      n += emails.length;
    }
    rates.push((n * 1000) / (performance.now() - t0));
    process.stderr.write(`${name}: round ${r + 1}/${ROUNDS} ${rates[r].toFixed(0)}/s\n`);
  }
  return median(rates);
}

/** The same for a parser that answers with a promise (one email at a time, as a server would). */
async function rateAsync(name: string, pass: (raw: Buffer) => Promise<unknown>): Promise<number> {
  const set = emails.slice(0, FULL_PARSER_EMAILS);
  for (const e of set) await pass(e);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ROUND_MS) {
      for (const e of set) await pass(e);
      n += set.length;
    }
    rates.push((n * 1000) / (performance.now() - t0));
    process.stderr.write(`${name}: round ${r + 1}/${ROUNDS} ${rates[r].toFixed(0)}/s\n`);
  }
  return median(rates);
}

/** Per-email latency tail of the full parse, one timed call each. */
function tail(): { p50: number; p99: number; max: number } {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const e of emails) {
      const t = performance.now();
      parseBounce(e);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)], max: times[times.length - 1] };
}

const full = rateSync('parseBounce', (e) => parseBounce(e));
const mimeOnly = rateSync('MIME walk', (e) => readBounceMessage(e));
const lat = tail();
const mailparser = await rateAsync('mailparser', (e) => simpleParser(e));
const postal = await rateAsync('postal-mime', (e) => PostalMime.parse(e));

const us = (rate: number) => (1e6 / rate).toFixed(0);
process.stdout.write([
  '## Bounce emails (`dsn`)',
  '',
  `Over ${label}, one core, median of ${ROUNDS} rounds of ${ROUND_MS} ms after a warm-up. Goal: ≥ 3,000 emails/s parsing and classifying.`,
  '',
  '| what | emails/s | µs per email |',
  '| --- | ---: | ---: |',
  `| **parseBounce** (MIME, format detection, every recipient classified) | **${full.toFixed(0)}** | ${us(full)} |`,
  `| Rebound's MIME walk alone (readBounceMessage) | ${mimeOnly.toFixed(0)} | ${us(mimeOnly)} |`,
  `| mailparser simpleParser (MIME only) | ${mailparser.toFixed(0)} | ${us(mailparser)} |`,
  `| postal-mime (MIME only) | ${postal.toFixed(0)} | ${us(postal)} |`,
  '',
  `parseBounce latency per email: median ${lat.p50.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms, max ${lat.max.toFixed(3)} ms.`,
  '',
  'mailparser and postal-mime decode every part (attachments included) and build full objects;',
  "Rebound's walker keeps the message as a binary string and decodes only the text and report parts",
  'a bounce needs (docs/bounce-parsing.md).',
  '',
].join('\n'));
