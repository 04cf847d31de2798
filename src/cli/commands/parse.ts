import type { Command } from 'commander';
import { parseBounce } from '../../dsn/index.ts';
import { countFiles, findMessages } from '../../dsn/mailbox.ts';
import type { ParsedBounce } from '../../dsn/types.ts';
import { UsageError } from '../usage-error.ts';
import { createClassifier, RuleFileError, type Classifier } from '../../classify/index.ts';

interface Options {
  jsonl?: boolean;
  progress?: boolean;
  rules?: string;
}

/** The `--jsonl` contract (docs/bounce-parsing.md): one line per message, these fields, in this order. */
export function jsonlLine(source: string, parsed: ParsedBounce): string {
  if (parsed.error !== null) return JSON.stringify({ source, error: parsed.error });
  return JSON.stringify({
    source,
    isBounce: parsed.isBounce,
    kind: parsed.kind,
    mta: parsed.mta,
    recipients: parsed.recipients.map((r) => ({
      recipient: r.recipient,
      status: r.status,
      basic: r.basic,
      reason: r.reason,
      hardbounce: r.hardbounce,
      retryable: r.retryable,
      action: r.action,
      diagnostic: r.diagnostic,
      remoteMta: r.remoteMta,
      // beyond the issue's list, at the end so its order stands: the address before a forward
      originalRecipient: r.originalRecipient,
    })),
    deliveryId: parsed.deliveryId,
  });
}

const PROGRESS_FROM = 20;

/**
 * A one-line progress bar on stderr: files done out of files found, messages read, the current
 * source. When stdout is the same terminal, the bar is wiped before each line of output and
 * drawn again after it, so the two never interleave.
 */
class Progress {
  private shown = false;
  private last = 0;
  constructor(private readonly enabled: boolean, private readonly totalFiles: number) {}
  draw(file: number, messages: number, source: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && this.shown && now - this.last < 100) return;
    this.last = now;
    const width = 24;
    const done = this.totalFiles > 0 ? Math.min(width, Math.round((width * file) / this.totalFiles)) : 0;
    const bar = `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${file}/${this.totalFiles} files, ${messages} messages  `;
    const room = Math.max(10, (process.stderr.columns ?? 80) - bar.length - 1);
    const name = source.length > room ? '…' + source.slice(-(room - 1)) : source;
    process.stderr.write(`\r\x1b[K${bar}${name}`);
    this.shown = true;
  }
  clear(): void {
    if (this.enabled && this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

function cell(s: string | null | undefined, width: number): string {
  const v = s ?? '–';
  return v.length > width ? v.slice(0, width - 1) + '…' : v.padEnd(width);
}

/** A path cut from the left: its end (the file name, the #N of an mbox) is what tells rows apart. */
function sourceCell(s: string, width: number): string {
  return s.length > width ? '…' + s.slice(-(width - 1)) : s.padEnd(width);
}

interface Tally {
  messages: number;
  errors: number;
  byKind: Map<string, number>;
  byReason: Map<string, number>;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function summary(t: Tally): string {
  const kinds = [...t.byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  const reasons = [...t.byReason.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    '',
    `${t.messages} message${t.messages === 1 ? '' : 's'}: ${kinds || 'none'}${t.errors ? `; ${t.errors} unreadable` : ''}`,
    reasons ? `recipients by reason: ${reasons}` : '',
  ].filter((l) => l !== '').join('\n') + '\n';
}

/** `rebound parse PATH…`: reads bounce emails (files, directories, Maildir, mbox) and says what each one is. */
export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('read bounce emails (files, directories, Maildir folders, mbox files) and classify every recipient')
    .argument('<paths...>', 'email files, directories (read recursively), Maildir folders or mbox files')
    .option('--jsonl', 'one JSON line per message (see docs/bounce-parsing.md for the fields)')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--rules <file>', 'classification rules (YAML or JSON) merged over the shipped ones, as rebound serve --rules')
    .action(async (paths: string[], opts: Options) => {
      if (paths.length === 0 || paths.some((p) => p.trim() === '')) throw new UsageError('give at least one file, directory or mbox to read');
      let classifier: Classifier | null = null;
      try {
        if (opts.rules !== undefined) classifier = createClassifier({ rulesFile: opts.rules });
      } catch (err) {
        if (err instanceof RuleFileError) throw new UsageError(err.message);
        throw err;
      }
      const parseOptions = classifier ? { classify: classifier.classify } : {};
      const out = process.stdout;
      const onTerminal = opts.progress !== false && process.stderr.isTTY === true;
      // counting first costs one directory walk, worth it only when someone watches the bar
      const files = onTerminal ? await countFiles(paths) : paths.length;
      const progress = new Progress(onTerminal, files);
      const tally: Tally = { messages: 0, errors: 0, byKind: new Map(), byReason: new Map() };
      if (!opts.jsonl) out.write(`${cell('source', 40)} ${cell('kind', 9)} ${cell('mta', 14)} ${cell('recipient', 32)} ${cell('status', 7)} ${cell('reason', 15)} action\n`);
      let showProgress = false;
      for await (const found of findMessages(paths)) {
        tally.messages++;
        // a bar for a handful of files would only flicker
        if (tally.messages > PROGRESS_FROM || files > PROGRESS_FROM) showProgress = true;
        const parsed: ParsedBounce = found.raw ? parseBounce(found.raw, parseOptions) : { ...parseBounce(''), error: found.error ?? 'cannot read' };
        if (parsed.error !== null) tally.errors++;
        else count(tally.byKind, parsed.kind);
        for (const r of parsed.recipients) count(tally.byReason, r.reason);
        let text: string;
        if (opts.jsonl) text = jsonlLine(found.source, parsed) + '\n';
        else if (parsed.error !== null) text = `${sourceCell(found.source, 40)} error: ${parsed.error}\n`;
        else if (parsed.recipients.length === 0) text = `${sourceCell(found.source, 40)} ${cell(parsed.kind, 9)} ${cell(parsed.mta, 14)} ${cell('(no recipient)', 32)}\n`;
        else {
          text = parsed.recipients.map((r, i) => `${sourceCell(i === 0 ? found.source : '', 40)} ${cell(i === 0 ? parsed.kind : '', 9)} ${cell(i === 0 ? parsed.mta : '', 14)} ${cell(r.recipient || '(none named)', 32)} ${cell(r.status, 7)} ${cell(r.reason, 15)} ${r.action}`).join('\n') + '\n';
        }
        const sharesTerminal = showProgress && out.isTTY === true;
        if (sharesTerminal) progress.clear();
        if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        if (showProgress) progress.draw(found.file, tally.messages, found.source, sharesTerminal);
      }
      progress.clear();
      if (!opts.jsonl) out.write(summary(tally));
      // the run goes on past a bad file, but a run where nothing at all could be read is a failure a
      // script must be able to see
      if (tally.messages > 0 && tally.errors === tally.messages) process.exitCode = 1;
    });
}
