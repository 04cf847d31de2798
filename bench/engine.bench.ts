// The retry engine on SQLite: how fast deliveries are scheduled (engine.submit) and how many
// state transitions per second the scheduler records with a transport that answers at once, in a
// store already holding a million deliveries (most of them finished, with their attempt and
// event rows). Peak RSS says whether memory stays flat. Prints a markdown section on stdout,
// progress on stderr. BENCH_ENGINE_BACKGROUND / BENCH_ENGINE_DUE shrink it for a quick look.
// The campaign (submit, first attempts, retries) runs BENCH_ENGINE_ROUNDS times (default 3) on
// the growing store: on a shared machine one round can run a third slower than the next, so the
// section gives every round and their median rather than one draw.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TestClock } from '../src/engine/clock.ts';
import { Engine } from '../src/engine/engine.ts';
import { Scheduler } from '../src/engine/scheduler.ts';
import { newId } from '../src/engine/ids.ts';
import { seededRandom } from '../src/policy/schedule.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Classification } from '../src/classify/types.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../src/engine/transport.ts';

const BACKGROUND = Number(process.env.BENCH_ENGINE_BACKGROUND ?? 900_000);
const DUE = Number(process.env.BENCH_ENGINE_DUE ?? 100_000);
const PER_MESSAGE = 100;
const SINGLE_SUBMITS = 2_000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ENGINE_ROUNDS ?? 3));

const log = (s: string) => process.stderr.write(s + '\n');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const rssSamples: Array<[string, number]> = [];
const sampleRss = (label: string) => rssSamples.push([label, process.memoryUsage().rss]);

const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'rebound-bench-engine-'));
const path = join(dir, 'rebound.db');
const clock = new TestClock();
const t0 = clock.now();
const store = new SqliteStore(path);
const engine = new Engine({ store, clock, random: seededRandom(1) });

// --- the million: finished deliveries with one attempt and one event each, written directly
const raw = Buffer.from('From: news@sender.example\r\nTo: x\r\nSubject: background\r\n\r\n' + 'x'.repeat(2000) + '\r\n');
log(`filling ${fmt(BACKGROUND)} finished deliveries…`);
{
  const db = store.db;
  const insM = db.prepare('INSERT INTO messages (id, mail_from, raw, original_message_id, created_at) VALUES (?, ?, ?, NULL, ?)');
  const insD = db.prepare(`INSERT INTO deliveries (id, message_id, recipient, domain, status, attempts, next_attempt_at, last_at, last_basic,
    last_enhanced, last_class, last_reason, last_response, created_at, updated_at) VALUES (?, ?, ?, ?, 'delivered', 1, NULL, ?, 250, '2.0.0', 'success', 'delivered', '250 2.0.0 OK', ?, ?)`);
  const insA = db.prepare(`INSERT INTO attempts (id, delivery_id, n, at, source, destination, phase, basic, enhanced, class, reason, response, duration_ms, rule)
    VALUES (?, ?, 1, ?, 'smtp', 'mx.example.net', 'message', 250, '2.0.0', 'success', 'delivered', '250 2.0.0 OK', 12, 'builtin/success')`);
  const insE = db.prepare(`INSERT INTO events (at, type, delivery_id, recipient, domain, data) VALUES (?, 'delivery.delivered', ?, ?, ?, '{"attempts":1}')`);
  const fill = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = t0 - 30 * 86_400_000 + i;
      if (i % PER_MESSAGE === 0) insM.run(`bgm_${Math.floor(i / PER_MESSAGE)}`, 'news@sender.example', raw, at);
      const id = newId('dlv', at);
      const rcpt = `old${i}@d${i % 500}.example`;
      insD.run(id, `bgm_${Math.floor(i / PER_MESSAGE)}`, rcpt, `d${i % 500}.example`, at, at, at);
      insA.run(`${id}#1`, id, at);
      insE.run(at, id, rcpt, `d${i % 500}.example`);
    }
  });
  const started = performance.now();
  for (let i = 0; i < BACKGROUND; i += 50_000) {
    fill(i, Math.min(BACKGROUND, i + 50_000));
    log(`  ${fmt(Math.min(BACKGROUND, i + 50_000))} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
sampleRss('after filling the store');

// --- scheduling: engine.submit, 100 recipients per message (every round), then one recipient per message (once)
const msgRaw = 'From: news@sender.example\r\nSubject: campaign\r\n\r\n' + 'y'.repeat(2000) + '\r\n';
async function submitCampaign(round: number): Promise<number> {
  log(`round ${round}: submitting ${fmt(DUE)} deliveries in messages of ${PER_MESSAGE}…`);
  const started = performance.now();
  for (let m = 0; m * PER_MESSAGE < DUE; m++) {
    const recipients = Array.from({ length: Math.min(PER_MESSAGE, DUE - m * PER_MESSAGE) }, (_, i) => `r${round}user${m * PER_MESSAGE + i}@d${i % 50}.example`);
    await engine.submit({ from: 'news@sender.example', raw: msgRaw }, recipients);
  }
  return DUE / ((performance.now() - started) / 1000);
}
async function submitSingles(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < SINGLE_SUBMITS; i++) await engine.submit({ from: 'app@sender.example', raw: msgRaw }, [`single${i}@d${i % 50}.example`]);
  return SINGLE_SUBMITS / ((performance.now() - started) / 1000);
}

// --- transitions: an instant transport; a fifth of recipients answer 4.3.2 on the first try
const ok: Classification = { basic: 250, enhanced: '2.0.0', class: 'success', type: 'undetermined', reason: 'delivered', hardbounce: false, retryable: false, action: 'none', recipient: null, rule: 'builtin/success', text: 'OK' };
const busy: Classification = { basic: 451, enhanced: '4.3.2', class: 'transient', type: 'soft', reason: 'notaccept', hardbounce: false, retryable: true, action: 'retry', recipient: null, rule: 'enhanced/4.3.2', text: 'System not accepting network messages' };
const transport: Transport = {
  async deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    return jobs.map((j) => {
      const c = j.attempt === 1 && Number(/(\d+)@/.exec(j.recipient)?.[1] ?? 1) % 5 === 0 ? busy : ok;
      return { deliveryId: j.deliveryId, attemptId: j.attemptId, at: clock.now(), destination: 'mx.example.net', phase: 'rcpt', response: `${c.basic} ${c.enhanced} ${c.text}`, classification: c, durationMs: 0 };
    });
  },
  async close() {},
};
const BATCH = Number(process.env.BENCH_ENGINE_BATCH ?? 500);
const scheduler = new Scheduler({ engine, transport, batchSize: BATCH, maxInFlight: BATCH });
const batchNote = `batches of ${BATCH}`;

interface Phase { round: number; name: string; transitions: number; seconds: number; cpuSeconds: number }
const phases: Phase[] = [];
async function phase(round: number, name: string): Promise<void> {
  const before = await store.countDeliveries();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const stats = await scheduler.runOnce();
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const after = await store.countDeliveries();
  phases.push({ round, name, transitions: stats.recorded, seconds, cpuSeconds });
  sampleRss(`round ${round}, after ${name}`);
  log(`  ${name}: ${fmt(stats.recorded)} transitions in ${seconds.toFixed(2)} s = ${fmt(stats.recorded / seconds)}/s, ${cpuSeconds.toFixed(2)} s CPU (queued ${before.queued}→${after.queued}, deferred ${after.deferred})`);
}

const FIRST = 'first attempts, synchronous=FULL';
const RETRY = '4.3.2 retries at +1 h, synchronous=NORMAL';
const submitRates: number[] = [];
let singleSubmitRate = 0;
for (let round = 1; round <= ROUNDS; round++) {
  clock.advance(86_400_000);
  submitRates.push(await submitCampaign(round));
  if (round === 1) {
    clock.advance(1);
    singleSubmitRate = await submitSingles();
    log(`  ${fmt(submitRates[0]!)} deliveries/s in bulk, ${fmt(singleSubmitRate)} single-recipient submissions/s`);
  }
  sampleRss(`round ${round}, after submitting`);
  log(`round ${round}: first attempts (synchronous=FULL, the default)…`);
  await phase(round, FIRST);
  clock.advance(3_600_000);
  store.db.pragma('synchronous = NORMAL');
  log(`round ${round}: retries after 1 h (synchronous=NORMAL)…`);
  await phase(round, RETRY);
  store.db.pragma('synchronous = FULL');
}
const final = await store.countDeliveries();
const total = final.queued + final.deferred + final.delivered + final.failed;
const fileBytes = statSync(path).size;
await store.close();
rmSync(dir, { recursive: true, force: true });

const peak = process.resourceUsage().maxRSS * 1024;
const rounds = Array.from({ length: ROUNDS }, (_, i) => i + 1);
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
/** Transitions per wall-clock and per CPU second over the chosen phases of one round. */
const rate = (round: number, names: string[]) => {
  const ps = phases.filter((p) => p.round === round && names.includes(p.name));
  const n = ps.reduce((a, p) => a + p.transitions, 0);
  return { wall: n / ps.reduce((a, p) => a + p.seconds, 0), cpu: n / ps.reduce((a, p) => a + p.cpuSeconds, 0), n };
};
const row = (label: string, names: string[], bold = false) => {
  const r = rounds.map((k) => rate(k, names));
  const med = median(r.map((x) => x.wall));
  const cells = r.map((x) => `${fmt(x.wall)} (${fmt(x.cpu)})`);
  const counts = [...new Set(r.map((x) => fmt(x.n)))].join(' / ');
  return `| ${label} (${counts}) | ${cells.join(' | ')} | ${bold ? `**${fmt(med)}**` : fmt(med)} (${fmt(median(r.map((x) => x.cpu)))}) |`;
};
const overall = rounds.map((k) => rate(k, [FIRST, RETRY]).wall);
const out = [
  '## Engine (SQLite)',
  '',
  `A store holding ${fmt(total)} deliveries at the end (${fmt(BACKGROUND)} finished ones with their attempt and event rows written first, then ` +
  `${ROUNDS} campaigns of ${fmt(DUE)} and ${fmt(SINGLE_SUBMITS)} single submissions), ${mib(fileBytes)} on disk. ` +
  `The scheduler claims leased ${batchNote} and records outcomes from a transport that answers at once; ` +
  'a fifth of the recipients answer 451 4.3.2 first, so the retry at +1 h is measured too. A transition is one recorded outcome ' +
  '(attempt row, delivery update, the address when its status changes, destination counters and events; one transaction per batch).',
  '',
  `The campaign runs ${ROUNDS} times on the growing store (a shared machine makes one draw unreliable). Each cell is transitions ` +
  'per wall-clock second, then, in brackets, per second of the process\'s own CPU time (what one core does when the machine is ' +
  'shared; it leaves out waiting for fsync).',
  '',
  `| measure | ${rounds.map((k) => `round ${k}`).join(' | ')} | median |`,
  `| --- | ${rounds.map(() => '---').join(' | ')} | --- |`,
  `| deliveries scheduled per second (engine.submit, ${PER_MESSAGE} recipients per message) | ${submitRates.map(fmt).join(' | ')} | ${fmt(median(submitRates))} |`,
  row(`transitions: ${FIRST}`, [FIRST]),
  row(`transitions: ${RETRY}`, [RETRY]),
  row('transitions overall (goal ≥ 20,000/s)', [FIRST, RETRY], true),
  '',
  `Single-recipient submissions (one fsynced transaction each): ${fmt(singleSubmitRate)}/s. ` +
  `Overall rates over the rounds: lowest ${fmt(Math.min(...overall))}/s, highest ${fmt(Math.max(...overall))}/s.`,
  '',
  `Peak RSS: ${mib(peak)}. Load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end, on ${cpus().length} cores: ` +
  'other work on the machine shows in the per-second rates more than in the per-CPU-second ones.',
  '',
  'RSS along the way (flat while the store grows means nothing is held per delivery):',
  '',
  '| point | RSS |',
  '| --- | --- |',
  ...rssSamples.map(([label, rss]) => `| ${label} | ${mib(rss)} |`),
  '',
];
process.stdout.write(out.join('\n') + '\n');
