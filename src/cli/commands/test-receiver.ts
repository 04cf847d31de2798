import type { Command } from 'commander';
import { RealClock } from '../../engine/clock.ts';
import { ACCEPT_ALL, ScriptError, TestReceiver, loadScript, type ReceiverScript } from '../../delivery/test-receiver/index.ts';
import { UsageError } from '../usage-error.ts';

interface Options {
  host: string;
  port: string;
  script?: string;
  timeScale: string;
  auth?: string;
}

/** `rebound test-receiver`: the fault-injecting SMTP receiver, standalone, until SIGINT/SIGTERM. */
export function registerTestReceiver(program: Command): void {
  program
    .command('test-receiver')
    .description('run an SMTP receiver that misbehaves as its script says (deferrals, 421, greylisting, stalls, drops, on a timeline)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '2525')
    .option('--script <file>', 'YAML or JSON script (see docs/delivery.md); without it, accept everything')
    .option('--time-scale <n>', 'run the timeline N times faster than wall time', '1')
    .option('--auth <user:pass>', 'require AUTH with these credentials')
    .action(async (opts: Options) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${opts.port}`);
      const scale = Number(opts.timeScale);
      if (!(scale > 0) || !Number.isFinite(scale)) throw new UsageError(`--time-scale must be a positive number, got ${opts.timeScale}`);
      let script: ReceiverScript = { name: 'accept-all', base: ACCEPT_ALL, timeline: [] };
      if (opts.script) {
        try {
          script = loadScript(opts.script);
        } catch (err) {
          if (err instanceof ScriptError) throw new UsageError(err.message);
          throw err;
        }
      }
      let auth: { user: string; pass: string } | undefined;
      if (opts.auth !== undefined) {
        const colon = opts.auth.indexOf(':');
        if (colon < 1) throw new UsageError('--auth must be user:pass');
        auth = { user: opts.auth.slice(0, colon), pass: opts.auth.slice(colon + 1) };
      }
      const clock = new RealClock(scale);
      const receiver = await TestReceiver.start({ host: opts.host, port, script, now: () => clock.now(), ...(auth ? { auth } : {}) });
      process.stdout.write(`test-receiver listening on ${receiver.host}:${receiver.port} (script ${script.name}, time scale ${scale})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await receiver.stop();
      const s = receiver.seen;
      process.stdout.write(`connections ${s.connections}, RCPT ${s.rcpt}, accepted messages ${s.acceptedCount} (${s.acceptedRecipients} recipients), refused after DATA ${s.refusedMessages}\n`);
    });
}
