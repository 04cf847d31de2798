import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { TestReceiver, parseScript } from '../../delivery/test-receiver/index.ts';
import { DEFAULTS } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import type { EventRecord } from '../../store/types.ts';
import { UsageError } from '../usage-error.ts';

const HOUR = 3_600_000;
const DOWN = '451 4.3.2 System not accepting network messages';

/** The receiver: everyone is refused with 4.3.2 for the first 5 hours; one old server never recovers. */
const SCRIPT = `
recipients:
  sam@old-host.test: "${DOWN}"
timeline:
  - until: 5h
    rcpt: "${DOWN}"
`;

/** Who gets the demo's newsletter: three domains that recover, and one address that never does. */
const RECIPIENTS = [
  ...['ana', 'ben', 'cleo', 'dev'].map((n) => `${n}@north.test`),
  ...['eli', 'fay', 'gus'].map((n) => `${n}@south.test`),
  ...['hal', 'ivy'].map((n) => `${n}@west.test`),
  'sam@old-host.test',
];

/** One line per event, in the architecture's words, stamped with the engine's time since the start. */
function describe(e: EventRecord, t0: number): string | null {
  const at = `+${((e.at - t0) / HOUR).toFixed(1).padStart(4)} h`;
  const d = e.data;
  switch (e.type) {
    case 'delivery.deferred': return `${at}  deferred     ${e.recipient}  ${String(d.reply ?? d.response ?? '').slice(0, 60)}`;
    case 'delivery.retry_scheduled': {
      const next = Number(d.at ?? d.nextAttemptAt ?? e.at);
      // a hold at a suspended destination moves a delivery by minutes: the suspension line says it already
      return next - e.at < 0.25 * HOUR ? null : `${at}  retry        ${e.recipient}  next attempt at +${((next - t0) / HOUR).toFixed(1)} h`;
    }
    case 'delivery.delivered': return `${at}  delivered    ${e.recipient}  after ${d.attempts ?? '?'} attempts`;
    case 'delivery.failed': return `${at}  failed       ${e.recipient}  ${d.cause ?? ''}`;
    case 'address.unavailable': return `${at}  UNAVAILABLE  ${e.recipient}  retries exhausted; cool-off until +${((Number(d.until) - t0) / HOUR).toFixed(0)} h`;
    case 'destination.suspended': return `${at}  SUSPENDED    ${e.domain}  no sending until +${((Number(d.until) - t0) / HOUR).toFixed(1)} h`;
    case 'destination.resumed': return `${at}  resumed      ${e.domain}  incident lasted ${(Number(d.downtimeMs ?? 0) / HOUR).toFixed(1)} h`;
    default: return null;
  }
}

/** `rebound demo`: the seed's 4.3.2 story, end to end on a real server, in about a minute. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("watch the seed's 4.3.2 story in about a minute: deferrals, retries at +1 h and +4 h, suspension, recovery, an unavailable address")
    .option('--time-scale <n>', 'engine seconds per real second', '3000')
    .option('--port <n>', 'HTTP port of the demo server (0: any free one)', '8025')
    .option('--keep', 'keep the demo database instead of deleting it')
    .action(async (opts: { timeScale: string; port: string; keep?: boolean }) => {
      const scale = Number(opts.timeScale);
      const port = Number(opts.port);
      if (!(scale > 0)) throw new UsageError(`--time-scale must be a positive number, got ${opts.timeScale}`);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got ${opts.port}`);
      const dir = mkdtempSync(join(tmpdir(), 'rebound-demo-'));
      const out = (line: string) => process.stdout.write(`${line}\n`);
      let engineT0 = 0;
      let wallT0 = Number.POSITIVE_INFINITY;
      const receiver = await TestReceiver.start({ script: parseScript(SCRIPT), now: () => Math.max(0, Date.now() - wallT0) * scale, epoch: 0 });
      const token = 'demo-token-please-change-0000';
      const server = await startServer({
        ...DEFAULTS, db: join(dir, 'rebound.db'), port, smtpPort: 0, relay: `smtp://127.0.0.1:${receiver.port}`, timeScale: scale,
        apiTokens: [token], logLevel: 'silent',
      }, { logger: pino({ level: 'silent' }) });
      engineT0 = server.engine.clock.now();
      wallT0 = Date.now();
      try {
        out(`Rebound demo — one engine hour passes every ${(3600 / scale).toFixed(2)} s of wall time.`);
        out(`Dashboard: http://127.0.0.1:${server.httpPort}/   (API token: ${token})`);
        out(`The receiving servers answer "${DOWN}" for the first 5 hours; sam@old-host.test never recovers.\n`);
        const res = await fetch(`http://127.0.0.1:${server.httpPort}/v1/messages`, {
          method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'news@sender.test', to: RECIPIENTS, subject: 'Spring newsletter', text: 'Hello from the demo.' }),
        });
        if (res.status !== 202) throw new Error(`the demo could not submit its message: ${res.status} ${await res.text()}`);
        out(`+ 0.0 h  submitted    1 message to ${RECIPIENTS.length} recipients on 4 domains`);
        let cursor = 0;
        const deadline = engineT0 + 44 * HOUR;
        for (;;) {
          for (const e of await server.store.listEvents(cursor, 500)) {
            cursor = e.id;
            const line = describe(e, engineT0);
            if (line) out(line);
          }
          const counts = await server.store.countDeliveries();
          if (counts.queued + counts.deferred === 0 || server.engine.clock.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        const counts = await server.store.countDeliveries();
        const destinations = await server.store.listDestinations();
        const sam = await server.engine.getAddress('sam@old-host.test');
        out('\nClosing report');
        out(`  deliveries: ${counts.delivered} delivered, ${counts.failed} failed, ${counts.deferred + counts.queued} still waiting`);
        for (const d of destinations) out(`  ${d.domain.padEnd(14)} ${d.health.padEnd(9)} attempts ${d.attemptCount}, ok ${d.successCount}, failed ${d.failureCount}`);
        out(`  sam@old-host.test is ${sam?.status ?? 'unknown'}${sam?.until ? ` until +${((sam.until - engineT0) / HOUR).toFixed(0)} h (then active again by itself)` : ''}`);
        out(`  the seed's schedule: first retry 1 h after the first bounce, then 4 h, 12 h, 24 h; then unavailable.`);
      } finally {
        await server.close();
        await receiver.stop();
        if (!opts.keep) rmSync(dir, { recursive: true, force: true });
        else out(`\ndatabase kept at ${join(dir, 'rebound.db')}`);
      }
    });
}
