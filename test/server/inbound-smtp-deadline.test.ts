import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { IDLE_DEADLINE_MS, MAX_CLIENTS_PER_ADDRESS, TRANSACTION_DEADLINE_MS, startInboundSmtp } from '../../src/server/inbound-smtp.ts';
import { TestClock } from '../../src/engine/clock.ts';
import type { BounceWriter } from '../../src/server/bounce-writer.ts';
import type { QuarantineStore } from '../../src/server/quarantine.ts';

/** Reads the socket's replies line by line; `next(prefix)` waits for the first line starting so. */
function replies(socket: Socket) {
  let buffered = '';
  const waiting: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (const w of waiting.splice(0)) w();
  });
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    ended,
    async next(code: string): Promise<string> {
      for (;;) {
        const line = buffered.split('\r\n').find((l) => l.startsWith(`${code} `));
        if (line) {
          buffered = buffered.slice(buffered.indexOf(line) + line.length + 2);
          return line;
        }
        await Promise.race([new Promise<void>((r) => waiting.push(r)), ended.then(() => { throw new Error(`connection closed waiting for ${code}; had ${JSON.stringify(buffered)}`); })]);
      }
    },
  };
}

/** A timer the test fires by hand: every armed deadline, with its length and whether it was cancelled. */
function manualTimers() {
  const armed: Array<{ ms: number; fire: () => void; cancelled: boolean }> = [];
  return {
    armed,
    live: () => armed.filter((a) => !a.cancelled),
    startTimer: (ms: number, onExpire: () => void) => {
      const t = { ms, fire: onExpire, cancelled: false };
      armed.push(t);
      return () => { t.cancelled = true; };
    },
  };
}

async function listener(t: { after: (fn: () => Promise<void> | void) => void }, timers: ReturnType<typeof manualTimers>) {
  let recorded = 0;
  const inbound = await startInboundSmtp({
    host: '127.0.0.1', port: 0, returnPathDomain: 'bounces.sender.test', maxBytes: 1024 * 1024, ratePerMinute: 100,
    bounces: { apply: async () => { recorded++; return []; } } as unknown as BounceWriter,
    quarantine: { keep: async () => { recorded++; return 'q'; } } as unknown as QuarantineStore,
    clock: new TestClock(), logger: pino({ level: 'silent' }), startTimer: timers.startTimer,
  });
  const sockets: Socket[] = [];
  // the clients go first: a server closing with connections open waits for them
  t.after(async () => { for (const s of sockets) s.destroy(); await inbound.close(); });
  const open = async () => {
    const socket = connect(inbound.port, '127.0.0.1');
    sockets.push(socket);
    const r = replies(socket);
    return { socket, r };
  };
  return { inbound, open, recorded: () => recorded };
}

async function converse(socket: Socket, r: ReturnType<typeof replies>, steps: ReadonlyArray<readonly [string, string]>) {
  for (const [cmd, code] of steps) {
    socket.write(`${cmd}\r\n`);
    await r.next(code);
  }
}

test('a message trickled in after MAIL FROM is cut off at the transaction deadline with a 421, and nothing is recorded or kept', async (t) => {
  const timers = manualTimers();
  const l = await listener(t, timers);
  const { socket, r } = await l.open();
  await r.next('220');
  await converse(socket, r, [['EHLO slow.example.test', '250'], ['MAIL FROM:<>', '250'], ['RCPT TO:<bounces@bounces.sender.test>', '250'], ['DATA', '354']]);
  // the sender keeps the connection busy, a header line at a time, and never ends the message
  socket.write('From: MAILER-DAEMON@slow.example.test\r\nSubject: Undelivered\r\n');
  const live = timers.live();
  assert.deepEqual(live.map((a) => a.ms), [TRANSACTION_DEADLINE_MS], 'one deadline runs: the transaction\'s');
  live[0]!.fire();
  assert.match(await r.next('421'), /^421 4\.4\.2 .*message not received within 10 minutes of MAIL FROM/);
  await r.ended;
  assert.equal(l.recorded(), 0);
});

test('a client that sends only NOOPs after the greeting is disconnected at the idle deadline', async (t) => {
  const timers = manualTimers();
  const l = await listener(t, timers);
  const { socket, r } = await l.open();
  await r.next('220');
  await converse(socket, r, [['EHLO idle.example.test', '250'], ['NOOP', '250'], ['NOOP', '250']]);
  const live = timers.live();
  assert.deepEqual(live.map((a) => a.ms), [IDLE_DEADLINE_MS]);
  live[0]!.fire();
  assert.match(await r.next('421'), /^421 4\.4\.2 .*no message begun within 2 minutes/);
  await r.ended;
});

test('a message that arrives in time ends its transaction deadline, and the idle one runs again for the next', async (t) => {
  const timers = manualTimers();
  const l = await listener(t, timers);
  const { socket, r } = await l.open();
  await r.next('220');
  await converse(socket, r, [['HELO quick.example.test', '250'], ['MAIL FROM:<>', '250'], ['RCPT TO:<bounces@bounces.sender.test>', '250'], ['DATA', '354'], ['Subject: hi\r\n\r\nnot a bounce\r\n.', '250']]);
  assert.deepEqual(timers.armed.map((a) => [a.ms, a.cancelled]), [[IDLE_DEADLINE_MS, true], [TRANSACTION_DEADLINE_MS, true], [IDLE_DEADLINE_MS, false]]);
  assert.equal(l.recorded(), 1);
});

test(`one client address may hold at most ${MAX_CLIENTS_PER_ADDRESS} connections; the next is told to come back, and a closed one frees its slot`, async (t) => {
  const timers = manualTimers();
  const l = await listener(t, timers);
  const held = [];
  for (let i = 0; i < MAX_CLIENTS_PER_ADDRESS; i++) {
    const c = await l.open();
    await c.r.next('220');
    held.push(c);
  }
  const extra = await l.open();
  assert.match(await extra.r.next('421'), /^421 4\.7\.0 Too many connections from your address/);
  await extra.r.ended;
  held[0]!.socket.write('QUIT\r\n');
  await held[0]!.r.ended;
  // the server counts the closed one down as it notices the close, a moment after the client does
  let greeted = false;
  for (let i = 0; i < 50 && !greeted; i++) {
    const again = await l.open();
    greeted = await new Promise<boolean>((resolve) => {
      again.socket.once('data', (d: Buffer) => resolve(d.toString().startsWith('220')));
    });
    if (!greeted) await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(greeted, 'a slot is free again');
});

test('MAIL FROM, RSET, MAIL FROM… does not renew the transaction deadline: it runs from the first MAIL FROM until a message is finished', async (t) => {
  const timers = manualTimers();
  const l = await listener(t, timers);
  const { socket, r } = await l.open();
  await r.next('220');
  await converse(socket, r, [['EHLO loop.example.test', '250'], ['MAIL FROM:<>', '250'], ['RSET', '250'], ['MAIL FROM:<>', '250'], ['RSET', '250'], ['MAIL FROM:<>', '250']]);
  assert.deepEqual(timers.armed.map((a) => a.ms), [IDLE_DEADLINE_MS, TRANSACTION_DEADLINE_MS], 'armed once, at the first MAIL FROM');
  timers.live()[0]!.fire();
  assert.match(await r.next('421'), /^421 4\.4\.2 /);
  await r.ended;
});
