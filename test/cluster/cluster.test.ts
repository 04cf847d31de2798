import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { TestReceiver, parseScript } from '../../src/delivery/test-receiver/index.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';
import type { WorkerConfig } from './cluster-worker.ts';

/**
 * Issue 10's proof: three worker processes share one PostgreSQL schema and 20,000 deliveries to a
 * receiver that answers 451 4.3.2 for the first 30 minutes; one worker is killed with SIGKILL
 * mid-run. Engine time runs SCALE times faster than the wall (one shared formula in every process).
 */
const DELIVERIES = 20_000;
const PER_MESSAGE = 100;
const SCALE = 120;
const MIN = 60_000;
const HOUR = 60 * MIN;
const OUTAGE_MS = 30 * MIN;
const LEASE_MS = 20 * MIN; // ten wall seconds: far longer than one batch takes
const BATCH = 100;
const KILL_AFTER_ACCEPTED = 2_000;
const worker = new URL('./cluster-worker.ts', import.meta.url).pathname;

const skip = await postgresAvailability();

interface Run {
  child: ChildProcess;
  accepted: number;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(config: WorkerConfig, onAccepted: (run: Run) => void): Run {
  let readyResolve = () => {};
  const child = spawn(process.execPath, ['--import', 'tsx', worker, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const run: Run = { child, accepted: 0, ready: new Promise((resolve) => { readyResolve = resolve; }), exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') readyResolve();
      const m = /^sent (\d+)/.exec(line);
      if (m) {
        run.accepted = Number(m[1]);
        onAccepted(run);
      }
    }
  });
  return run;
}

describe('several worker nodes on PostgreSQL', { skip: skip ?? false }, () => {
  test('three workers, 20,000 deliveries, a 4.3.2 outage and a worker killed with SIGKILL: none lost, each delivery arrives once (crash re-sends aside), the schedule holds', { timeout: 240_000 }, async (t) => {
    const schema = newSchemaName('rebound_cluster');
    const dir = mkdtempSync(join(tmpdir(), 'rebound-cluster-'));
    t.after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(schema);
    });

    const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
    const store = new PostgresStore(PG_URL, { schema, poolSize: 4 });
    t.after(() => store.close());
    const submitting = new Engine({ store, clock: new TestClock(t0) });
    const ids: string[] = [];
    const deliveryOf = new Map<string, string>();
    const submitStart = Date.now();
    for (let m = 0; m < DELIVERIES / PER_MESSAGE; m++) {
      const recipients = Array.from({ length: PER_MESSAGE }, (_, i) => `user${m * PER_MESSAGE + i}@example.test`);
      const r = await submitting.submit({ from: 'news@sender.test', raw: `From: news@sender.test\r\nMessage-ID: <m${m}@sender.test>\r\nSubject: ${m}\r\n\r\nhello\r\n` }, recipients);
      ids.push(...r.deliveries.map((d) => d.id));
      for (const d of r.deliveries) deliveryOf.set(`m${m}@sender.test ${d.recipient}`, d.id);
    }
    const submitMs = Date.now() - submitStart;
    assert.equal(new Set(ids).size, DELIVERIES);

    // Engine time: t0 + (wall - wallStart) * SCALE, in the receiver and every worker; wallStart
    // is set once the workers are ready.
    let wallStart = Number.POSITIVE_INFINITY;
    const engineNow = () => t0 + (Date.now() - wallStart) * SCALE;
    const receiver = await TestReceiver.start({
      script: parseScript(`timeline:\n  - until: 30m\n    rcpt: 451 4.3.2 System not accepting network messages\n`),
      now: engineNow, epoch: t0, keepLog: true,
    });
    t.after(() => receiver.stop());

    const logs = [0, 1, 2].map((i) => join(dir, `w${i}.log`));
    let killedAt = -1;
    const runs = [0, 1, 2].map((i) => startWorker({
      url: PG_URL, schema, t0, wallStart, scale: SCALE, receiverHost: receiver.host, receiverPort: receiver.port,
      name: `w${i}`, log: logs[i]!, leaseMs: LEASE_MS, batchSize: BATCH,
    }, (run) => {
      if (i === 0 && killedAt < 0 && run.accepted >= KILL_AFTER_ACCEPTED) {
        killedAt = engineNow();
        run.child.kill('SIGKILL');
      }
    }));
    t.after(() => { for (const r of runs) r.child.kill('SIGKILL'); });
    await Promise.all(runs.map((r) => r.ready));
    wallStart = Date.now();
    for (const r of runs) r.child.stdin!.end(`${wallStart}\n`);

    const ends = await Promise.all(runs.map((r) => r.exit));
    assert.equal(ends[0]!.signal, 'SIGKILL', 'worker 0 was killed mid-run, not finished');
    assert.deepEqual(ends.slice(1).map((e) => e.code), [0, 0], 'the two survivors finished the work');

    // None lost: every delivery is final and delivered (the outage is transient and short).
    assert.deepEqual(await store.countDeliveries(), { queued: 0, deferred: 0, delivered: DELIVERIES, failed: 0 });

    // Counted at the receiver by Message-ID and accepted recipient (each recipient is one delivery).
    const arrivals = new Map<string, number>();
    for (const m of receiver.seen.messages) {
      for (const r of m.recipients) {
        const id = deliveryOf.get(`${m.messageId} ${r.toLowerCase()}`) ?? `unknown ${m.messageId} ${r}`;
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
      }
    }
    assert.equal(arrivals.size, DELIVERIES, 'every delivery arrived');
    assert.ok(ids.every((id) => arrivals.has(id)));
    const twice = [...arrivals].filter(([, n]) => n > 1).map(([id]) => id);
    // SMTP has no idempotency: a node killed after the receiver's 250 and before its commit leaves
    // that delivery to be sent again. Only the killed worker's last batch may do that.
    const handedToKilled = new Set(readFileSync(logs[0]!, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]));
    assert.ok(twice.every((id) => handedToKilled.has(id)), 'only deliveries the killed worker held arrived twice');
    assert.ok(twice.length <= BATCH, `${twice.length} deliveries arrived twice: at most the killed worker's one batch`);
    assert.ok([...arrivals.values()].every((n) => n <= 2));

    // The schedule holds: a delivery refused during the outage was retried one hour later (the
    // seed schedule's first step), or when the dead worker's lease ended if that was later.
    t.diagnostic(`submitted in ${(submitMs / 1000).toFixed(1)} s; killed w0 at engine +${((killedAt - t0) / MIN).toFixed(0)} min; ${twice.length} deliveries sent twice; run took ${((Date.now() - wallStart) / 1000).toFixed(1)} s wall`);
    let deferred = 0;
    for (const id of ids.filter((_, i) => i % 50 === 0)) {
      const attempts = await store.listAttempts(id);
      assert.equal(attempts.at(-1)!.class, 'success');
      for (const a of attempts.slice(0, -1)) {
        assert.equal(a.enhanced, '4.3.2', 'the only refusals were the outage\'s');
        assert.ok(a.at - t0 < OUTAGE_MS + LEASE_MS, 'refused while the receiver was down (the attempt is stamped when it ends)');
      }
      if (attempts.length >= 2) {
        deferred++;
        const gap = attempts[1]!.at - attempts[0]!.at;
        assert.ok(gap >= HOUR, `retried ${gap / MIN} min after the deferral, not before the hour`);
        assert.ok(gap <= HOUR + LEASE_MS + 30 * MIN, `retried ${gap / MIN} min after the deferral: the schedule slipped`);
      }
    }
    assert.ok(deferred > 0, 'the outage deferred deliveries');

  });
});
