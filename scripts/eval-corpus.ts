// `npm run eval [-- --verbose] [-- --corpus DIR]`: runs parseBounce over the Sisimai corpus (read in
// place, never copied into the project) and writes docs/accuracy.md: per sender family and
// overall, the share of expected recipients found and, of those, the share whose status, reason
// and hardbounce match Sisimai's own expectations. A measurement, not a test.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParsedBounce } from '../src/dsn/types.ts';

interface Expected {
  status: string;
  replycode: string;
  reason: string;
  hardbounce: boolean;
  feedbacktype?: string;
}
interface ExpectedFile {
  file: string;
  recipients: Expected[];
}
interface Tally {
  files: number;
  expected: number;
  found: number;
  statusCompared: number;
  statusMatch: number;
  reasonMatch: number;
  hardMatch: number;
}
export interface Mismatch {
  file: string;
  index: number;
  what: string;
  expected: string;
  got: string;
  diagnostic: string;
}

const root = resolve(new URL('..', import.meta.url).pathname);
const NOTES_MARKER = '<!-- hand-written notes below: kept by npm run eval -->';

/** Sisimai invents X.0.9NN when a bounce carries no status: such rows are not status comparisons. */
function isRealStatus(status: string): boolean {
  return /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) && !/^[245]\.0\.9\d\d$/.test(status);
}

function family(file: string): string {
  return file.replace(/^eml\//, '').replace(/-\d+\.eml$/, '');
}

function emptyTally(): Tally {
  return { files: 0, expected: 0, found: 0, statusCompared: 0, statusMatch: 0, reasonMatch: 0, hardMatch: 0 };
}

export function evaluate(corpus: string, parse: (raw: Buffer) => ParsedBounce): { byFamily: Map<string, Tally>; total: Tally; mismatches: Mismatch[]; ms: number } {
  const expected: ExpectedFile[] = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8'));
  const byFamily = new Map<string, Tally>();
  const total = emptyTally();
  const mismatches: Mismatch[] = [];
  const t0 = performance.now();
  for (const entry of expected) {
    const fam = family(entry.file);
    const t = byFamily.get(fam) ?? emptyTally();
    byFamily.set(fam, t);
    const parsed = parse(readFileSync(join(corpus, entry.file)));
    t.files++;
    total.files++;
    entry.recipients.forEach((exp, i) => {
      t.expected++;
      total.expected++;
      // Sisimai's expectations carry no address: recipients are compared in the order reported
      const got = parsed.recipients[i];
      const diag = got?.diagnostic.slice(0, 160) ?? '';
      if (!got) {
        mismatches.push({ file: entry.file, index: i, what: 'found', expected: `${exp.reason} ${exp.status}`, got: parsed.error ?? `kind=${parsed.kind} mta=${parsed.mta} recipients=${parsed.recipients.length}`, diagnostic: '' });
        return;
      }
      t.found++;
      total.found++;
      if (isRealStatus(exp.status)) {
        t.statusCompared++;
        total.statusCompared++;
        if (got.status === exp.status) {
          t.statusMatch++;
          total.statusMatch++;
        } else mismatches.push({ file: entry.file, index: i, what: 'status', expected: exp.status, got: String(got.status), diagnostic: diag });
      }
      if (got.reason === exp.reason) {
        t.reasonMatch++;
        total.reasonMatch++;
      } else mismatches.push({ file: entry.file, index: i, what: 'reason', expected: exp.reason, got: `${got.reason} (${got.rule})`, diagnostic: diag });
      if (got.hardbounce === exp.hardbounce) {
        t.hardMatch++;
        total.hardMatch++;
      } else mismatches.push({ file: entry.file, index: i, what: 'hardbounce', expected: String(exp.hardbounce), got: `${got.hardbounce} (${got.reason})`, diagnostic: diag });
    });
  }
  return { byFamily, total, mismatches, ms: performance.now() - t0 };
}

function pct(n: number, d: number): string {
  return d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`;
}

function row(name: string, t: Tally): string {
  return `| ${name} | ${t.files} | ${t.expected} | ${pct(t.found, t.expected)} | ${pct(t.statusMatch, t.statusCompared)} (${t.statusCompared}) | ${pct(t.reasonMatch, t.found)} | ${pct(t.hardMatch, t.found)} |`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

export function report(result: ReturnType<typeof evaluate>, corpusLabel: string): string {
  const { byFamily, total, mismatches } = result;
  const lines = [
    '# Accuracy on the Sisimai corpus',
    '',
    `Written by \`npm run eval\` (scripts/eval-corpus.ts) over \`${corpusLabel}\`: ${total.files} real bounce emails from the`,
    'Sisimai project with the results its own test suite expects. Recipients are compared in the order',
    "reported (the expectations carry no addresses). **status** is compared only where Sisimai's expected",
    'status is a real code: `X.0.9NN` statuses are invented by Sisimai when a bounce has none (the number in',
    'brackets is how many were compared). **reason** and **hardbounce** are compared for every recipient found.',
    '',
    '## Overall',
    '',
    '| | files | expected recipients | found | status | reason | hardbounce |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('**all**', total),
    '',
    'Goals: ≥ 98% found, ≥ 98% status, ≥ 95% reason, ≥ 98% hardbounce.',
    '',
    '## Per sender family (file-name prefix)',
    '',
    '| family | files | expected recipients | found | status | reason | hardbounce |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[...byFamily.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => row(name, t)),
    '',
    '## Every mismatch',
    '',
    '| file | # | what | expected (Sisimai) | got (Rebound, rule) | diagnostic |',
    '| --- | ---: | --- | --- | --- | --- |',
    ...mismatches.map((m) => `| ${m.file.replace(/^eml\//, '')} | ${m.index + 1} | ${m.what} | ${escapeCell(m.expected)} | ${escapeCell(m.got)} | ${escapeCell(m.diagnostic)} |`),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const corpusArg = args.indexOf('--corpus');
  const corpus = resolve(root, corpusArg >= 0 ? args[corpusArg + 1] : '../shared/corpus/sisimai');
  if (!existsSync(join(corpus, 'expected.json'))) {
    process.stderr.write(`eval: no expected.json under ${corpus} (pass --corpus DIR)\n`);
    process.exitCode = 2;
    return;
  }
  const { parseBounce } = await import('../src/dsn/index.ts');
  const result = evaluate(corpus, parseBounce);
  const out = join(root, 'docs', 'accuracy.md');
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const at = previous.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? previous.slice(at) : `${NOTES_MARKER}\n`;
  const label = corpusArg >= 0 ? args[corpusArg + 1] : '../shared/corpus/sisimai';
  writeFileSync(out, report(result, label) + '\n' + notes);
  const t = result.total;
  process.stdout.write(`found ${pct(t.found, t.expected)}, status ${pct(t.statusMatch, t.statusCompared)}, reason ${pct(t.reasonMatch, t.found)}, hardbounce ${pct(t.hardMatch, t.found)} over ${t.files} files (${t.expected} recipients) → docs/accuracy.md\n`);
  if (args.includes('--verbose')) {
    for (const m of result.mismatches) process.stdout.write(`${m.file}#${m.index + 1} ${m.what}: want ${m.expected} got ${m.got} | ${m.diagnostic}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`eval: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
