// HTTP ingest: autocannon on loopback against POST /v1/bounces of a `rebound serve` child
// process (real SQLite file, default durability). Each request reports a different address, so
// the count of addresses in the database must equal the requests acknowledged with 202.
// Prints a markdown section on stdout; progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { spawnServe } from '../test/server/spawn-serve.ts';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50);
const TOKEN = 'bench-token-0123456789abcdef';

const dir = mkdtempSync(join(tmpdir(), 'rebound-http-bench-'));
const db = join(dir, 'rebound.db');
const DURABILITY = process.env.REBOUND_DURABILITY ?? 'full';
const serve = await spawnServe(['--db', db, '--relay', 'smtp://127.0.0.1:9'], { REBOUND_API_TOKEN: TOKEN, REBOUND_LOG_LEVEL: 'warn', REBOUND_DURABILITY: DURABILITY });
process.stderr.write(`serve up at ${serve.base}; ${CONNECTIONS} connections for ${SECONDS} s\n`);

let n = 0;
const result = await autocannon({
  url: `${serve.base}/v1/bounces`,
  connections: CONNECTIONS,
  duration: SECONDS,
  method: 'POST',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  requests: [{
    setupRequest: (req: Record<string, unknown>) => ({
      ...req,
      body: JSON.stringify({ reply: '550 5.1.1 <x@bench.test>: Recipient address rejected: User unknown in virtual mailbox table', recipient: `b${n++}@bench.test` }),
    }),
  }],
});
const code = await serve.stop();
const sqlite = new Database(db, { readonly: true });
const stored = (sqlite.prepare("SELECT count(*) AS c FROM addresses WHERE email LIKE 'b%@bench.test'").get() as { c: number }).c;
sqlite.close();
rmSync(dir, { recursive: true, force: true });

const acknowledged = result['2xx'];
process.stdout.write([
  '## HTTP API: POST /v1/bounces',
  '',
  `\`rebound serve\` as a child process on a fresh SQLite file (durability ${DURABILITY}: each 202 follows the commit of its transaction, group-committed with its neighbours), autocannon in the parent, ${CONNECTIONS} connections for ${SECONDS} s on loopback; every request a JSON reply for a new address (classified, applied, suppressed). The two share the machine's cores.`,
  '',
  '| requests/s (mean) | p50 latency | p99 latency | acknowledged (202) | non-2xx | errors | addresses in the database | clean SIGTERM |',
  '|---:|---:|---:|---:|---:|---:|---:|---|',
  `| ${Math.round(result.requests.average).toLocaleString('en-US')} | ${result.latency.p50} ms | ${result.latency.p99} ms | ${acknowledged.toLocaleString('en-US')} | ${result.non2xx} | ${result.errors} | ${stored.toLocaleString('en-US')} | ${code === 0 ? 'yes' : `exit ${code}`} |`,
  '',
  stored >= acknowledged ? `Nothing acknowledged was lost: ${stored} stored ≥ ${acknowledged} acknowledged (a request still in flight at the stop may be stored without its 202 being counted).` : `**LOST: ${acknowledged - stored} acknowledged bounces are not in the database.**`,
  '',
].join('\n'));
