import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULTS, type ServeConfig } from '../../src/server/config.ts';
import { startServer } from '../../src/server/server.ts';
import { TOKEN } from './helpers.ts';

test('a sped-up clock resumes from the latest time the store has seen, so a restart does not send engine time backwards', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-timescale-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config: ServeConfig = { ...DEFAULTS, db: join(dir, 'r.db'), port: 0, smtpPort: 0, relay: 'smtp://127.0.0.1:9', apiTokens: [TOKEN], logLevel: 'silent', role: 'api' };
  const first = await startServer({ ...config, timeScale: 3600 }, { logger: pino({ level: 'silent' }) });
  // a day ahead of wall time, as a demo run at 3600x is after 24 real seconds
  const ahead = Date.now() + 86_400_000;
  await first.engine.suppressAddress('jane@example.test');
  await first.store.changeAddress('jane@example.test', 'clock-test', (prev) => ({ address: { ...prev!, updatedAt: ahead }, events: [] }));
  await first.close();

  const second = await startServer({ ...config, timeScale: 3600 }, { logger: pino({ level: 'silent' }) });
  const resumed = second.engine.clock.now();
  await second.close();
  assert.ok(resumed >= ahead, `engine time ${new Date(resumed).toISOString()} is behind the store's ${new Date(ahead).toISOString()}`);

  // at real speed the clock is wall time, whatever the store holds, and the start says the store is ahead
  const { Writable } = await import('node:stream');
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const third = await startServer({ ...config, timeScale: 1 }, { logger: pino({ level: 'info' }, sink) });
  t.after(() => third.close());
  assert.ok(Math.abs(third.engine.clock.now() - Date.now()) < 60_000);
  const warning = lines.map((l) => JSON.parse(l) as { event?: string; storeTime?: string }).find((l) => l.event === 'server.store_ahead');
  assert.equal(warning?.storeTime, new Date(ahead).toISOString());
});
