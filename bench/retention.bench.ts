// Retention on SQLite at scale: 60 days of campaigns (BENCH_RETENTION_DELIVERIES, default
// 400,000 deliveries: 1,000 recipients a message, 9 in 10 delivered, 1 in 10 unknown users) made
// through the engine, the metrics folded, then `pruneStore` deletes the older 30 days. Reports
// the time, rows deleted per second and the longest single transaction, which is how long a
// server pruning in-process (retentionDays) holds the writer and its event loop at most.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../src/engine/engine.ts';
import { TestClock } from '../src/engine/clock.ts';
import { attemptId } from '../src/engine/ids.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { openMetrics } from '../src/metrics/open-metrics.ts';
import { DAY_MS, pruneStore, type RetentionTarget } from '../src/store/retention.ts';
import type { Classification } from '../src/classify/types.ts';

const DELIVERIES = Number(process.env.BENCH_RETENTION_DELIVERIES ?? 400_000);
const PER_MESSAGE = 1_000;
const DAYS = 60;
const log = (s: string) => process.stderr.write(s + '\n');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const ok: Classification = { basic: 250, enhanced: '2.0.0', class: 'success', type: 'undetermined', reason: 'delivered', hardbounce: false, retryable: false, action: 'none', recipient: null, rule: 'bench/ok', text: '250 2.0.0 OK' };
const unknown: Classification = { basic: 550, enhanced: '5.1.1', class: 'permanent', type: 'hard', reason: 'userunknown', hardbounce: true, retryable: false, action: 'suppress', recipient: null, rule: 'bench/unknown', text: '550 5.1.1 No such user' };

const dir = mkdtempSync(join(tmpdir(), 'rebound-bench-retention-'));
const path = join(dir, 'rebound.db');
const store = new SqliteStore(path, { durability: 'normal' });
const clock = new TestClock();
const t0 = clock.now();
const engine = new Engine({ store, clock });
const raw = `Subject: newsletter\r\n\r\n${'x'.repeat(2_000)}\r\n`;
const messages = Math.ceil(DELIVERIES / PER_MESSAGE);
log(`writing ${fmt(DELIVERIES)} deliveries over ${DAYS} days through the engine…`);
for (let m = 0; m < messages; m++) {
  clock.set(t0 + Math.floor((m / messages) * DAYS * DAY_MS));
  const rcpts = Array.from({ length: PER_MESSAGE }, (_, i) => `u${m}-${i}@d${i % 500}.example`);
  const sent = await engine.submit({ from: 'news@sender.example', raw }, rcpts);
  await engine.recordOutcomes(sent.deliveries.map((d, i) => ({
    deliveryId: d.id, attemptId: attemptId(d.id, 1), at: clock.now(), destination: 'mx.example', phase: 'rcpt' as const,
    response: i % 10 === 9 ? unknown.text : ok.text, classification: i % 10 === 9 ? unknown : ok, durationMs: 1,
  })));
}
await openMetrics(store, { clock }).sync();
const sizeBefore = statSync(path).size;

// every write transaction timed: the longest is the longest the writer (and, in-process, the loop) is held
let longest = 0;
const target: RetentionTarget = {
  dialect: 'sqlite',
  pruneRead: (s, v) => store.pruneRead(s, v),
  async pruneWrite(steps) {
    const t = performance.now();
    const r = await store.pruneWrite(steps);
    longest = Math.max(longest, performance.now() - t);
    return r;
  },
};
log('pruning the older 30 days…');
const started = performance.now();
const report = await pruneStore(target, { before: clock.now() - 30 * DAY_MS });
const seconds = (performance.now() - started) / 1000;
const rows = report.deliveries + (report.attempts ?? 0) + report.messages + report.events;
const freePages = Number((store.db.pragma('freelist_count') as Array<{ freelist_count: number }>)[0]!.freelist_count);
const pageSize = Number((store.db.pragma('page_size') as Array<{ page_size: number }>)[0]!.page_size);
await store.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(`## Retention (SQLite)

${fmt(DELIVERIES)} deliveries over ${DAYS} days (${fmt(messages)} messages of ${fmt(PER_MESSAGE)} recipients), written through the engine;
\`pruneStore\` with the default batch of 2,000 deletes the older 30 days (\`rebound prune --older-than 30d\`, or \`retentionDays: 30\`).

| | |
| --- | ---: |
| deliveries deleted | ${fmt(report.deliveries)} |
| attempts deleted | ${fmt(report.attempts ?? 0)} |
| messages deleted | ${fmt(report.messages)} |
| events deleted | ${fmt(report.events)} |
| time | ${seconds.toFixed(1)} s |
| rows deleted per second | ${fmt(rows / seconds)} |
| longest transaction | ${longest.toFixed(0)} ms |
| file before | ${(sizeBefore / 2 ** 20).toFixed(0)} MiB |
| free pages after (reused by new rows; the file does not shrink) | ${(freePages * pageSize / 2 ** 20).toFixed(0)} MiB |
`);
