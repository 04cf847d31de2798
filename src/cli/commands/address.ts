import { readFileSync } from 'node:fs';
import { addressKey } from '../../engine/address-key.ts';
import type { Command } from 'commander';
import { Engine } from '../../engine/engine.ts';
import { RealClock } from '../../engine/clock.ts';
import { DB_OPTION, openCommandStore, storeNow } from '../open-db.ts';
import type { AddressRecord } from '../../store/types.ts';
import { UsageError } from '../usage-error.ts';
import { isoTimes } from '../json-times.ts';

interface DbOption {
  db?: string;
  json?: boolean;
}

/** `rebound address show|reactivate|suppress EMAIL`: look at and act on one address's lifecycle. */
export function registerAddress(program: Command): void {
  const address = program.command('address').description("one address's status (active, deferred, unavailable, suppressed), by hand");
  const dbOption = DB_OPTION;

  address.command('show')
    .description('status, cool-off, counts and recent deliveries of an address')
    .argument('<email>')
    .option(...dbOption)
    .option('--json', 'print JSON')
    .action(async (email: string, opts: DbOption) => {
      await withEngine(opts, false, async (engine) => {
        const e = checkEmail(email);
        const a = await engine.getAddress(e);
        const deliveries = await engine.store.listDeliveries({ recipient: e, limit: 1000 });
        const recent = deliveries.slice(-10);
        const reports = (await engine.store.listAddressReports(e)).slice(-10);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ email: e, address: a, recentDeliveries: recent, reports }, isoTimes, 2) + '\n');
          return;
        }
        const out = [render(e, a)];
        if (recent.length) {
          out.push('', `recent deliveries (${recent.length} of ${deliveries.length}${deliveries.length === 1000 ? '+' : ''}):`);
          for (const d of recent) {
            const last = d.lastOutcome ? `${d.lastOutcome.basic ?? ''} ${d.lastOutcome.enhanced ?? ''} ${d.lastOutcome.reason}`.replace(/\s+/g, ' ').trim() : '';
            out.push(`  ${d.id}  ${d.status.padEnd(9)} attempts ${d.attempts}  ${new Date(d.createdAt).toISOString()}  ${last}`);
          }
        }
        if (reports.length) {
          out.push('', 'bounce reports with no delivery of ours:');
          for (const r of reports) out.push(`  ${new Date(r.at).toISOString()}  ${r.source}${r.provider ? `/${r.provider}` : ''}  ${r.enhanced ?? ''} ${r.reason}`);
        }
        process.stdout.write(out.join('\n') + '\n');
      });
    });

  address.command('reactivate')
    .description('make a suppressed or unavailable address active again')
    .argument('<email>')
    .option(...dbOption)
    .option('--json', 'print JSON')
    .action(async (email: string, opts: DbOption) => {
      await withEngine(opts, false, async (engine) => {
        const e = checkEmail(email);
        const before = await engine.store.getAddress(e);
        // an address with no row has had no trouble: it is active, as `show` says. The same end state
        // is success for a script; the API answers 409 here, being REST
        if (!before || before.status === 'active') process.stderr.write(`${e} is already active: nothing changed\n`);
        const a = !before || before.status === 'active' ? before : await engine.reactivateAddress(e);
        process.stdout.write(opts.json ? JSON.stringify(a, isoTimes) + '\n' : render(e, a) + '\n');
      });
    });

  address.command('suppress')
    .description('suppress an address until it is reactivated by hand')
    .argument('<email>')
    .option(...dbOption)
    .option('--reason <text>', 'why (kept with the address)', 'operator')
    .option('--json', 'print JSON')
    .action(async (email: string, opts: DbOption & { reason: string }) => {
      await withEngine(opts, true, async (engine) => {
        const e = checkEmail(email);
        const before = await engine.store.getAddress(e);
        if (before?.status === 'suppressed') process.stderr.write(`${e} is already suppressed (${before.reason ?? 'no reason'}): nothing changed\n`);
        const a = before?.status === 'suppressed' ? before : await engine.suppressAddress(e, opts.reason.slice(0, 200));
        process.stdout.write(opts.json ? JSON.stringify(a, isoTimes) + '\n' : render(e, a) + '\n');
      });
    });

  address.command('import')
    .description('suppress every address of a list kept elsewhere (an ESP\'s export): one per line, or CSV with the address first; - reads stdin')
    .argument('<file>')
    .option(...dbOption)
    .option('--reason <text>', 'why (kept with each address)', 'import')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: DbOption & { reason: string }) => {
      let text: string;
      try {
        text = listText(file === '-' ? readFileSync(0) : readFileSync(file));
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      if (opts.reason.length > 200) throw new UsageError(`--reason: at most 200 characters, got ${opts.reason.length}`);
      // one address counted once however the file repeats it, wherever the batches split
      const seen = new Set<string>();
      let duplicates = 0;
      const list = addressesInList(text).filter((a) => {
        const key = addressKey(a);
        if (seen.has(key)) {
          duplicates++;
          return false;
        }
        seen.add(key);
        return true;
      });
      await withEngine(opts, true, async (engine) => {
        const total = { suppressed: 0, already: 0, duplicates, invalid: [] as string[] };
        for (let i = 0; i < list.length; i += 10_000) {
          const r = await engine.suppressAddresses(list.slice(i, i + 10_000), opts.reason);
          total.suppressed += r.suppressed.length;
          total.already += r.already.length;
          total.invalid.push(...r.invalid);
        }
        if (opts.json) {
          process.stdout.write(JSON.stringify(total) + '\n');
        } else {
          process.stdout.write(`suppressed ${total.suppressed}, already suppressed ${total.already}, repeated in the file ${total.duplicates}, not addresses ${total.invalid.length}${total.invalid.length ? ` (${total.invalid.slice(0, 5).map((x) => JSON.stringify(x.slice(0, 60))).join(', ')}${total.invalid.length > 5 ? ', …' : ''})` : ''}\n`);
        }
        if (list.length === 0) throw new UsageError(`${file}: no addresses found`);
      });
    });
}

/** A list file's text: UTF-8, or UTF-16 with its byte-order mark (a spreadsheet's "Unicode text" export). */
function listText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * The addresses in a suppression list exported from elsewhere: one per line, or a CSV whose first
 * column is the address (quoted or not); blank lines, # comments and a header line are skipped.
 */
export function addressesInList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^"((?:[^"]|"")*)"|^([^,;\t]*)/.exec(trimmed)!;
    const first = (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!).trim();
    if (out.length === 0 && !first.includes('@')) continue; // a header: "email", "Email Address"…
    out.push(first);
  }
  return out;
}

function checkEmail(email: string): string {
  const e = addressKey(email);
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(e) || e.length > 320) throw new UsageError(`not an email address: ${JSON.stringify(email.slice(0, 100))}`);
  return e;
}

async function withEngine(opts: DbOption, create: boolean, fn: (engine: Engine) => Promise<void>): Promise<void> {
  const store = openCommandStore(opts.db, { create });
  try {
    // the store's time, when a sped-up server wrote times ahead of the wall clock
    await fn(new Engine({ store, clock: new RealClock(1, await storeNow(store)) }));
  } finally {
    await store.close();
  }
}

function render(email: string, a: AddressRecord | null): string {
  if (!a) return `${email}: active (no deferral, failure or report recorded)`;
  const lines = [`${email}: ${a.status}${a.reason ? ` (${a.reason})` : ''}`];
  if (a.status === 'unavailable' && a.until !== null) lines.push(`  active again at ${new Date(a.until).toISOString()}`);
  lines.push(`  deferrals ${a.deferralCount}, failures ${a.failureCount}, hard bounces ${a.hardBounceCount}`);
  lines.push(`  updated ${new Date(a.updatedAt).toISOString()}`);
  return lines.join('\n');
}
