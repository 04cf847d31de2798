// One worker node for cluster.test.ts and bench/postgres.bench.ts: the scheduler on a shared
// PostgreSQL schema, delivering over real SMTP to the test receiver. Engine time is a scaled wall
// clock shared by every process: T0 + (Date.now() - WALL_START) * SCALE.
// Every job handed to the transport is appended to LOG before it is sent (appendFileSync: it
// survives a SIGKILL); "sent N" lines on stdout count recipients the receiver accepted.
// Exits 0 once no delivery is waiting. Usage: node --import tsx cluster-worker.ts CONFIG_JSON
import { appendFileSync } from 'node:fs';
import { classify } from '../../src/classify/index.ts';
import { RealClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SmtpTransport } from '../../src/delivery/transport/smtp-transport.ts';

export interface WorkerConfig {
  url: string;
  schema: string;
  t0: number;
  wallStart: number;
  scale: number;
  receiverHost: string;
  receiverPort: number;
  name: string;
  log: string | null;
  leaseMs: number;
  batchSize: number;
}

const config = JSON.parse(process.argv[2]!) as WorkerConfig;
// Start-up (tsx, connections) takes wall seconds, hours of scaled time: the parent says when
// engine time starts by a line on stdin ("WALL_START") once every worker is ready.
process.stdout.write('ready\n');
config.wallStart = await new Promise<number>((resolve) => {
  let buffered = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.includes('\n')) resolve(Number(buffered.split('\n')[0]));
  });
});
process.stdin.pause();
const store = new PostgresStore(config.url, { schema: config.schema, poolSize: 3, channel: config.schema });
const clock = new RealClock(config.scale, config.t0 + (Date.now() - config.wallStart) * config.scale);
const engine = new Engine({ store, clock, random: seededRandom(11) });
const smtp = new SmtpTransport({
  mode: {
    kind: 'direct', port: config.receiverPort,
    resolver: {
      resolveMx: async () => [{ exchange: 'mx.example.test', priority: 10 }],
      resolve4: async () => [config.receiverHost],
      resolve6: async () => { throw Object.assign(new Error('no AAAA'), { code: 'ENODATA' }); },
    },
  },
  clock, classify, ehloName: config.name, recipientsPerTransaction: 'many',
  timeouts: { connectMs: 10_000, greetingMs: 10_000, idleMs: 10_000 },
});
let accepted = 0;
const transport: Transport = {
  async deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    if (config.log) appendFileSync(config.log, jobs.map((j) => `${j.deliveryId} ${j.attempt}\n`).join(''));
    const outcomes = await smtp.deliver(jobs);
    accepted += outcomes.filter((o) => o.classification.class === 'success').length;
    process.stdout.write(`sent ${accepted}\n`);
    return outcomes;
  },
  close: () => smtp.close(),
};
const scheduler = new Scheduler({
  engine, transport, worker: config.name, batchSize: config.batchSize, maxInFlight: config.batchSize,
  leaseMs: config.leaseMs, idleMs: 5 * 60_000,
  onError: (err, context) => process.stderr.write(`${config.name} ${context}: ${err.message}\n`),
});
await store.listen(() => scheduler.wake());
const stop = new AbortController();
const watch = setInterval(() => {
  store.countDeliveries().then((c) => {
    if (c.queued + c.deferred === 0) stop.abort();
  }, () => {});
}, 250);
await scheduler.run(stop.signal).catch((err: unknown) => {
  if (!stop.signal.aborted) throw err;
});
clearInterval(watch);
await transport.close();
await store.close();
process.stdout.write(`done ${accepted}\n`);
