import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { TestReceiver } from '../../src/delivery/test-receiver/index.ts';
import { DEFAULTS, type ServeConfig } from '../../src/server/config.ts';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/server.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

export const TOKEN = 'test-token-0123456789abcdef';

/** A real server on a temporary SQLite file, delivering through a real accepting receiver on 127.0.0.1. */
export async function startTestServer(t: { after: (f: () => Promise<void>) => void }, overrides: Partial<ServeConfig> = {}, options: StartOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-server-'));
  const receiver = await TestReceiver.start();
  const config: ServeConfig = {
    ...DEFAULTS, db: join(dir, 'rebound.db'), port: 0, smtpPort: 0, relay: `smtp://127.0.0.1:${receiver.port}`,
    apiTokens: [TOKEN], logLevel: 'silent', returnPathDomain: 'bounces.sender.test', ...overrides,
  };
  const server = await startServer(config, { logger: pino({ level: 'silent' }), ...options });
  t.after(async () => {
    await server.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, receiver, config, dir, base: `http://127.0.0.1:${server.httpPort}` };
}

/** A digest of every row of every table: equal before and after means nothing was written. */
export function databaseDigest(server: RunningServer): string {
  const db = (server.store as SqliteStore).db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
  const h = createHash('sha256');
  for (const { name } of tables) h.update(name).update(JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).raw().all(), (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  return h.digest('hex');
}

export function auth(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Polls `probe` until it returns something other than null, for what a real server does on its
 * own (a POST it makes, a row it writes); fails after 20 s of wall time.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = await probe();
    if (got !== null) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
