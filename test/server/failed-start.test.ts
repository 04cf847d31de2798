import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

const listen = (port = 0) => new Promise<Server>((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(port, '127.0.0.1', () => resolve(s));
});
const portOf = (s: Server) => (s.address() as { port: number }).port;
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

test('serve whose SMTP port is taken exits non-zero naming the port, and leaves the HTTP port free (no half-started server)', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-failed-start-'));
  const taken = await listen();
  t.after(async () => { await close(taken); rmSync(dir, { recursive: true, force: true }); });
  const probe = await listen();
  const httpPort = portOf(probe);
  await close(probe);

  const child = spawn(bin, ['serve', '--db', join(dir, 'r.db'), '--port', String(httpPort), '--smtp-port', String(portOf(taken)), '--relay', 'smtp://127.0.0.1:9'], {
    // no token configured: the first start makes one, and must not keep it when the start fails
    env: { ...process.env, REBOUND_API_TOKEN: '', REBOUND_LOG_LEVEL: 'silent' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // the child must end by itself: a half-started server would run until the test's timeout
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.notEqual(code, 0);
  assert.notEqual(code, null);
  assert.match(stderr, new RegExp(`EADDRINUSE.*:${portOf(taken)}`));
  const again = await listen(httpPort); // the HTTP listener it had opened is closed again
  await close(again);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'r.db'), { readonly: true });
  const tokens = (db.prepare('SELECT count(*) AS n FROM api_tokens').get() as { n: number }).n;
  db.close();
  assert.equal(tokens, 0, 'no full-access token nobody was shown is left behind');
});
