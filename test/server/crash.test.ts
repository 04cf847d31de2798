import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { spawnServe } from './spawn-serve.ts';

const TOKEN = 'crash-test-token-0123456789';

test('kill -9 during a stream of POST /v1/bounces: after a restart every acknowledged bounce is in the database', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-crash-'));
  const db = join(dir, 'rebound.db');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const serve = await spawnServe(['--db', db, '--relay', 'smtp://127.0.0.1:9'], { REBOUND_API_TOKEN: TOKEN, REBOUND_LOG_LEVEL: 'warn' });
  const acknowledged: string[] = [];
  let sent = 0;
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const recipient = `r${w}-${i}@crash.test`;
      sent++;
      try {
        const res = await fetch(`${serve.base}/v1/bounces`, {
          method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reply: '550 5.1.1 <x>: Recipient address rejected: User unknown', recipient }),
        });
        if (res.status === 202) acknowledged.push(recipient);
        await res.arrayBuffer();
      } catch {
        return; // the server is gone: this request was never acknowledged
      }
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 20));
  serve.child.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  await serve.stop();
  assert.ok(acknowledged.length >= 200);

  // restart on the same file: it opens, and every acknowledged bounce is there
  const again = await spawnServe(['--db', db, '--relay', 'smtp://127.0.0.1:9'], { REBOUND_API_TOKEN: TOKEN, REBOUND_LOG_LEVEL: 'warn' });
  const res = await fetch(`${again.base}/v1/addresses/${acknowledged[acknowledged.length - 1]}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.equal(await again.stop(), 0);

  const store = new SqliteStore(db);
  try {
    const missing: string[] = [];
    for (const email of acknowledged) {
      const a = await store.getAddress(email);
      if (a?.status !== 'suppressed') missing.push(email);
    }
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged bounces lost (${sent} sent)`);
  } finally {
    await store.close();
  }
});
