import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createClassifier, RuleFileError } from '../../classify/index.ts';
import type { Classification, Classifier } from '../../classify/index.ts';
import { classifyJsonLine } from '../../classify/jsonl.ts';
import { UsageError } from '../usage-error.ts';

interface Options {
  json?: boolean;
  jsonl?: boolean;
  rules?: string;
  check?: boolean;
}

/** `rebound classify`: one reply in, what it means and what to do out (readable, --json, --jsonl). */
export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('classify an SMTP reply, DSN Diagnostic-Code or status code: class, reason, soft/hard, what to do')
    .argument('[reply...]', 'the reply, e.g. "451 4.3.2 System not accepting network messages"')
    .option('--json', 'print one JSON object')
    .option('--jsonl', 'read JSON lines {"reply": "…"} from stdin, write one JSON line per input line, in order')
    .option('--rules <file>', 'user rule file (YAML or JSON) merged over the shipped rules')
    .option('--check', 'only load and validate the rules (shipped, and --rules if given), for CI')
    .action(async (words: string[], opts: Options) => {
      if (opts.check) {
        if (words.length > 0 || opts.jsonl || opts.json) throw new UsageError('--check takes no reply and no output option');
        const rules = build(opts.rules).rules;
        const stages = new Map<string, number>();
        for (const r of rules) stages.set(r.stage ?? '?', (stages.get(r.stage ?? '?') ?? 0) + 1);
        process.stdout.write(`${rules.length} rules valid (${[...stages].map(([k, n]) => `${k} ${n}`).join(', ')})\n`);
        return;
      }
      if (opts.json && opts.jsonl) throw new UsageError('choose one of --json and --jsonl');
      if (opts.jsonl && words.length > 0) throw new UsageError('--jsonl reads replies from stdin; give no reply argument');
      if (!opts.jsonl && words.length === 0) throw new UsageError('give a reply to classify, e.g. rebound classify "451 4.3.2 System not accepting network messages", or use --jsonl');
      const classifier = build(opts.rules);
      if (opts.jsonl) return streamJsonl(classifier);
      const c = classifier.classify(words.join(' '));
      process.stdout.write(opts.json ? JSON.stringify(c) + '\n' : render(words.join(' '), c));
    });
}

function build(rulesFile: string | undefined): Classifier {
  try {
    return createClassifier(rulesFile !== undefined ? { rulesFile } : {});
  } catch (err) {
    if (err instanceof RuleFileError) throw new UsageError(err.message);
    throw err;
  }
}

async function streamJsonl(classifier: Classifier): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    const result = classifyJsonLine(classifier, line);
    const out = JSON.stringify('error' in result ? { ...result, line: n } : result) + '\n';
    if (!process.stdout.write(out)) await once(process.stdout, 'drain');
  }
}

const TYPE_WORDS: Record<string, string> = {
  soft: 'soft bounce',
  hard: 'hard bounce',
  block: 'block (the sender must fix something)',
  undetermined: 'undetermined',
};

function render(input: string, c: Classification): string {
  const codes = [c.basic !== null ? `basic ${c.basic}` : null, c.enhanced !== null ? `enhanced ${c.enhanced}` : null].filter(Boolean).join(', ');
  const rows: Array<[string, string]> = [
    ['class', `${c.class ?? 'unknown'}${codes ? ` (${codes})` : ''}`],
    ['reason', c.reason],
    ['type', TYPE_WORDS[c.type] ?? c.type],
    ['action', `${c.action}${c.retryable ? ' (retry this delivery)' : ''}`],
    ['hardbounce', c.hardbounce ? 'yes: the address itself is bad' : 'no'],
    ['recipient', c.recipient ?? '-'],
    ['rule', c.rule],
  ];
  const shown = input.length > 200 ? input.slice(0, 200) + '…' : input;
  return `${shown.replace(/[\r\n]+/g, ' ')}\n` + rows.map(([k, v]) => `  ${k.padEnd(11)}${v}`).join('\n') + '\n';
}
