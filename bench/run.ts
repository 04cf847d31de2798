// `npm run bench [-- NAME...]`: runs every bench/*.bench.ts in its own process (so peak RSS and
// JIT state of one do not colour another), keeps each one's markdown in docs/benchmarks/NAME.md,
// and composes docs/benchmarks.md with the machine and the command.
// A bench file is a script that prints a markdown section on stdout (progress goes to stderr).
import { readdirSync, writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, platform, release, loadavg } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fragments = join(root, 'docs', 'benchmarks');
mkdirSync(fragments, { recursive: true });
const wanted = process.argv.slice(2);
const all = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort();
const chosen = all.filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));
let failed = 0;
for (const file of chosen) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`\n== bench ${name}\n`);
  // Other work on a shared machine shows in wall-clock rates: every section says how busy it was.
  const loadBefore = loadavg()[0]!;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join('bench', file)], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench ${name} failed (exit ${r.status})\n`);
    continue;
  }
  process.stdout.write(r.stdout);
  const load = `load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after, on ${cpus().length} cores`;
  const stamp = `_Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- ${name}\` (${load})._\n\n`;
  writeFileSync(join(fragments, `${name}.md`), headingFirst(stamp + r.stdout.trim()) + '\n');
}
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (all) or `npm run bench -- NAME` (one); each section says when and how it was measured.',
  '',
  `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node ${process.version}.`,
  '',
].join('\n');
const sections = readdirSync(fragments).filter((f) => f.endsWith('.md')).sort()
  .map((f) => headingFirst(readFileSync(join(fragments, f), 'utf8').trim()));
writeFileSync(join(root, 'docs', 'benchmarks.md'), header + '\n' + sections.join('\n\n') + '\n');
if (!existsSync(join(root, 'docs', 'benchmarks.md'))) failed++;
process.exitCode = failed ? 1 : 0;

/** A section's "Measured …" line goes under its heading, where a reader takes it for that section's. */
function headingFirst(text: string): string {
  const m = /^(_Measured[^\n]*_)\n+(#{1,6} [^\n]*)\n/.exec(text);
  return m ? `${m[2]}\n\n${m[1]}\n${text.slice(m[0].length)}` : text;
}
