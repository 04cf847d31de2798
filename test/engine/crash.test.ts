import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const worker = new URL('./crash-worker.ts', import.meta.url).pathname;
const DELIVERIES = 10_000;
const LEASED = 100; // the worker's batchSize and maxInFlight

/** Starts the worker; resolves with how it ended. `killAfter`: SIGKILL once it reports that many jobs sent. */
function runWorker(db: string, log: string, startAt: number, killAfter?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; sentAtKill: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, db, log, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let sentAtKill = -1;
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^sent (\d+)/.exec(line);
        if (m && killAfter !== undefined && sentAtKill < 0 && Number(m[1]) >= killAfter) {
          sentAtKill = Number(m[1]);
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, sentAtKill }));
  });
}

test('a worker killed with SIGKILL mid-run loses nothing: after a restart every delivery is final and crash re-tries are at most the leased batch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'rebound.db');
  const log = join(dir, 'sent.log');

  const clock = new TestClock();
  const t0 = clock.now();
  const store = new SqliteStore(db);
  const ids: string[] = [];
  for (let m = 0; m < DELIVERIES / 100; m++) {
    const recipients = Array.from({ length: 100 }, (_, i) => `user${m * 100 + i}@d${i % 10}.example`);
    const r = await new Engine({ store, clock }).submit({ from: 'news@sender.example', raw: `Subject: ${m}\r\n\r\nhello\r\n` }, recipients);
    ids.push(...r.deliveries.map((d) => d.id));
  }
  await store.close();
  assert.equal(new Set(ids).size, DELIVERIES);

  const crashed = await runWorker(db, log, t0, 4_000);
  assert.equal(crashed.signal, 'SIGKILL', 'the worker was killed, not finished');

  const middle = new SqliteStore(db);
  const counts = await middle.countDeliveries();
  await middle.close();
  assert.ok(counts.queued + counts.deferred > 0, 'the kill landed before the work was done');

  // The restarted worker's clock starts after the dead worker's leases have ended.
  const restarted = await runWorker(db, log, t0 + 24 * 3_600_000);
  assert.equal(restarted.code, 0);

  const after = new SqliteStore(db);
  t.after(() => after.close());
  const final = await after.countDeliveries();
  assert.equal(final.queued + final.deferred, 0, 'every delivery reached a final state');
  assert.equal(final.delivered + final.failed, DELIVERIES, 'none was lost');
  assert.equal(final.failed, DELIVERIES * 0.2, 'the user-unknown and blocked tenth each failed; the rest were delivered');

  // Every (delivery, attempt) the transport was handed, and how often.
  const handed = new Map<string, number>();
  for (const line of readFileSync(log, 'utf8').split('\n')) if (line) handed.set(line, (handed.get(line) ?? 0) + 1);
  const retriedByCrash = [...handed.values()].filter((n) => n > 1).length;
  assert.ok(retriedByCrash <= LEASED, `${retriedByCrash} attempts were handed out twice`);
  assert.ok([...handed.values()].every((n) => n <= 2));
  // Each delivery's recorded attempts are exactly the ones handed out, once each in the log.
  const rows = after.db.prepare('SELECT delivery_id, n FROM attempts').all() as Array<{ delivery_id: string; n: number }>;
  assert.equal(rows.length, handed.size);
  for (const r of rows) assert.ok(handed.has(`${r.delivery_id} ${r.n}`));
  const deferredOnce = after.db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE attempts = 2 AND status = 'delivered'").get() as { n: number };
  assert.equal(deferredOnce.n, DELIVERIES * 0.1, 'the 4.3.2 tenth was delivered on its second attempt');
  t.diagnostic(`killed after ${crashed.sentAtKill} jobs; ${retriedByCrash} attempts handed out twice because of the crash`);
});
