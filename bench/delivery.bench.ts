// Delivery throughput: one-recipient messages through the SMTP transport (pooled connections,
// X-Rebound-ID stamp, every outcome classified) to accepting sinks running in a child process,
// so the sinks' CPU is not the transport's. Two cases:
//   1. relay mode to one sink;
//   2. direct mode to 100 domains, each resolved by an injected resolver to its own sink
//      (127.0.0.2 … 127.0.0.101, same port).
// Prints a markdown section on stdout; progress on stderr.
// Child mode: `delivery.bench.ts --sinks N` starts N accepting receivers and prints their port.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TestReceiver } from '../src/delivery/test-receiver/index.ts';
import { SmtpTransport } from '../src/delivery/transport/smtp-transport.ts';
import { parseRelayUrl } from '../src/delivery/transport/relay-url.ts';
import type { DnsResolver } from '../src/delivery/transport/mx-route.ts';
import { classify } from '../src/classify/index.ts';
import { RealClock } from '../src/engine/clock.ts';
import type { DeliveryJob } from '../src/engine/transport.ts';

const MESSAGES = Number(process.env.BENCH_DELIVERY_MESSAGES ?? 6000);
const BATCH = Number(process.env.BENCH_DELIVERY_BATCH ?? 500);

async function runSinks(count: number): Promise<void> {
  const first = await TestReceiver.start({ host: count === 1 ? '127.0.0.1' : '127.0.0.2', keepLog: false });
  const receivers = [first];
  for (let i = 1; i < count; i++) receivers.push(await TestReceiver.start({ host: `127.0.0.${i + 2}`, port: first.port, keepLog: false }));
  process.stdout.write(JSON.stringify({ port: first.port }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    const accepted = receivers.reduce((n, r) => n + r.seen.acceptedCount, 0);
    process.stderr.write(`sinks accepted ${accepted}\n`);
    await Promise.all(receivers.map((r) => r.stop()));
    process.exit(0);
  });
}

async function startSinks(count: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--sinks', String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`sinks exited ${code}`)));
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
}

function jobs(count: number, domainOf: (i: number) => string): DeliveryJob[] {
  const body = Buffer.from(`From: sender@rebound.test\r\nSubject: benchmark\r\nMessage-ID: <bench@rebound.test>\r\n\r\n${'Hello, this is a benchmark message.\r\n'.repeat(20)}`);
  return Array.from({ length: count }, (_, i) => {
    const domain = domainOf(i);
    return {
      deliveryId: `d-${i}`, messageId: `m-${i}`, attempt: 1, attemptId: `d-${i}:1`,
      from: 'sender@rebound.test', recipient: `user${i}@${domain}`, domain, raw: body,
    };
  });
}

async function measure(label: string, transport: SmtpTransport, all: DeliveryJob[]): Promise<{ label: string; perSecond: number; delivered: number; seconds: number }> {
  // warm-up: JIT, first connections
  await transport.deliver(all.slice(0, 200).map((j) => ({ ...j, attemptId: `${j.attemptId}-warm`, deliveryId: `${j.deliveryId}-warm` })));
  const start = performance.now();
  let delivered = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    const outcomes = await transport.deliver(all.slice(i, i + BATCH));
    delivered += outcomes.filter((o) => o.classification.class === 'success').length;
    process.stderr.write(`\r${label}: ${i + BATCH}/${all.length}`);
  }
  const seconds = (performance.now() - start) / 1000;
  process.stderr.write('\n');
  return { label, perSecond: all.length / seconds, delivered, seconds };
}

async function main(): Promise<void> {
  const clock = new RealClock();
  const results = [];

  const one = await startSinks(1);
  const relay = new SmtpTransport({ mode: { kind: 'relay', relay: parseRelayUrl(`smtp://127.0.0.1:${one.port}`) }, clock, classify, ehloName: 'bench.rebound.test' });
  results.push(await measure('one sink, relay mode', relay, jobs(MESSAGES, () => 'sink.test')));
  await relay.close();
  await one.stop();

  const many = await startSinks(100);
  const resolver: DnsResolver = {
    resolveMx: async (d) => [{ exchange: `mx.${d}`, priority: 10 }],
    resolve4: async (h) => [`127.0.0.${Number(/^mx\.d(\d+)\.test$/.exec(h)![1]) + 2}`],
    resolve6: async () => {
      throw Object.assign(new Error('no AAAA'), { code: 'ENODATA' });
    },
  };
  const direct = new SmtpTransport({ mode: { kind: 'direct', resolver, port: many.port }, clock, classify, ehloName: 'bench.rebound.test' });
  results.push(await measure('100 domains, direct MX', direct, jobs(MESSAGES, (i) => `d${i % 100}.test`)));
  await direct.close();
  await many.stop();

  const lines = [
    '## Delivery (SMTP transport)',
    '',
    `${MESSAGES} one-recipient messages (about 0.8 KB) per case, handed over in batches of ${BATCH} as the scheduler would, after a 200-message warm-up.`,
    "Pooled connections under the built-in policy's limits (up to 20 per host, 1,024 messages each); every outcome classified;",
    'sinks are `TestReceiver`s in a child process on 127.0.0.x (sharing the 2 cores with the sender). Goal: ≥ 1,500 messages/s.',
    '',
    '| case | messages/s | delivered | seconds |',
    '| --- | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.label} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.delivered} / ${MESSAGES} | ${r.seconds.toFixed(2)} |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const sinksArg = process.argv.indexOf('--sinks');
if (sinksArg !== -1) await runSinks(Number(process.argv[sinksArg + 1]));
else await main();
