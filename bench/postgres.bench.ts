// Transitions per second on PostgreSQL with 1, 2 and 3 worker processes sharing one schema, next
// to one worker on SQLite. Each delivery's transition is one attempt recorded (an instant
// transport accepts everything), so this measures claims and records, not SMTP.
// Markdown on stdout, progress on stderr. Env: BENCH_PG_DELIVERIES (default 20,000).
// Run by `npm run bench -- postgres`; a worker is this file run with `worker CONFIG_JSON`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { TestClock } from '../src/engine/clock.ts';
import { Engine } from '../src/engine/engine.ts';
import { Scheduler } from '../src/engine/scheduler.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Store } from '../src/store/store.ts';
import type { Classification } from '../src/classify/types.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../src/engine/transport.ts';
import pg from 'pg';

const PG_URL = process.env.REBOUND_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DELIVERIES = Number(process.env.BENCH_PG_DELIVERIES ?? 20_000);
const PER_MESSAGE = 100;
const BATCH = 100;
const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const ok: Classification = { basic: 250, enhanced: '2.0.0', class: 'success', type: 'undetermined', reason: 'delivered', hardbounce: false, retryable: false, action: 'none', recipient: null, rule: 'builtin/success', text: 'OK' };
const instant = (clock: TestClock): Transport => ({
  async deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    return jobs.map((j) => ({ deliveryId: j.deliveryId, attemptId: j.attemptId, at: clock.now(), destination: 'mx.example.net', phase: 'data', response: '250 2.0.0 OK', classification: ok, durationMs: 0 }));
  },
  async close() {},
});

/** Runs the scheduler until a claim finds nothing; returns deliveries recorded. */
async function drain(store: Store, name: string): Promise<number> {
  const clock = new TestClock(T + 1);
  const engine = new Engine({ store, clock });
  const scheduler = new Scheduler({ engine, transport: instant(clock), worker: name, batchSize: BATCH, maxInFlight: BATCH, leaseMs: 10 * 60_000 });
  let recorded = 0;
  for (;;) {
    const s = await scheduler.runOnce();
    recorded += s.recorded;
    if (s.claimed === 0) return recorded;
  }
}

async function fill(store: Store): Promise<void> {
  const engine = new Engine({ store, clock: new TestClock(T) });
  for (let m = 0; m < DELIVERIES / PER_MESSAGE; m++) {
    await engine.submit({ from: 'bench@sender.test', raw: `Subject: ${m}\r\n\r\nhello\r\n` }, Array.from({ length: PER_MESSAGE }, (_, i) => `u${m * PER_MESSAGE + i}@d${i % 20}.example`));
  }
}

if (process.argv[2] === 'worker') {
  const { schema, name } = JSON.parse(process.argv[3]!) as { schema: string; name: string };
  const store = new PostgresStore(PG_URL, { schema, poolSize: 2 });
  await store.countDeliveries();
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const n = await drain(store, name);
  await store.close();
  process.stdout.write(`recorded ${n}\n`);
  process.exit(0);
}

async function postgresRun(workers: number): Promise<{ seconds: number; recorded: number }> {
  const schema = `rebound_bench_${process.pid}_${workers}`;
  const store = new PostgresStore(PG_URL, { schema, poolSize: 4 });
  try {
    log(`postgres, ${workers} worker(s): submitting ${fmt(DELIVERIES)}…`);
    await fill(store);
    const children = Array.from({ length: workers }, (_, i) => spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'worker', JSON.stringify({ schema, name: `w${i}` })], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((c) => {
      let out = '';
      c.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
      return { ready: new Promise<void>((resolve) => { const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 20)); check(); }), done: new Promise<string>((resolve) => c.on('exit', () => resolve(out))) };
    });
    await Promise.all(outputs.map((o) => o.ready));
    const start = performance.now();
    for (const c of children) c.stdin!.end('go\n');
    const texts = await Promise.all(outputs.map((o) => o.done));
    const seconds = (performance.now() - start) / 1000;
    const recorded = texts.reduce((sum, t) => sum + Number(/recorded (\d+)/.exec(t)?.[1] ?? 0), 0);
    log(`  ${fmt(recorded)} transitions in ${seconds.toFixed(1)} s`);
    return { seconds, recorded };
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

async function sqliteRun(): Promise<{ seconds: number; recorded: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-bench-pg-'));
  const store = new SqliteStore(join(dir, 'r.db'));
  try {
    log(`sqlite, 1 worker: submitting ${fmt(DELIVERIES)}…`);
    await fill(store);
    const start = performance.now();
    const recorded = await drain(store, 'w0');
    const seconds = (performance.now() - start) / 1000;
    log(`  ${fmt(recorded)} transitions in ${seconds.toFixed(1)} s`);
    return { seconds, recorded };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg()[0]!.toFixed(1);
const rows: string[] = [];
const sqlite = await sqliteRun();
rows.push(`| SQLite (file, fsync per commit) | 1 (in process) | ${fmt(sqlite.recorded)} | ${sqlite.seconds.toFixed(1)} | ${fmt(sqlite.recorded / sqlite.seconds)} |`);
for (const workers of [1, 2, 3]) {
  const r = await postgresRun(workers);
  rows.push(`| PostgreSQL 127.0.0.1 | ${workers} process${workers > 1 ? 'es' : ''} | ${fmt(r.recorded)} | ${r.seconds.toFixed(1)} | ${fmt(r.recorded / r.seconds)} |`);
}
process.stdout.write(`## postgres

Transitions per second (one delivery claimed, attempted by an instant transport, its outcome
recorded: attempt row, delivery update, destination counters, event) with ${fmt(DELIVERIES)} due
deliveries, batches of ${BATCH}, on ${cpus().length} cores shared with the database server (load
average ${load} at the start). Worker processes on PostgreSQL share one schema; SQLite is one
process, since SQLite has one writer.

| store | workers | transitions | seconds | transitions/s |
|---|---|---|---|---|
${rows.join('\n')}
`);
