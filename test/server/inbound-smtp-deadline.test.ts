import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { DATA_DEADLINE_MS, startInboundSmtp } from '../../src/server/inbound-smtp.ts';
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

test('a message trickled in after DATA is cut off at the deadline with a 421, and nothing is recorded or kept', async (t) => {
  let fire: (() => void) | null = null;
  let armed = 0;
  let recorded = 0;
  const inbound = await startInboundSmtp({
    host: '127.0.0.1', port: 0, returnPathDomain: 'bounces.sender.test', maxBytes: 1024 * 1024, ratePerMinute: 100,
    bounces: { apply: async () => { recorded++; return []; } } as unknown as BounceWriter,
    quarantine: { keep: async () => { recorded++; return 'q'; } } as unknown as QuarantineStore,
    clock: new TestClock(), logger: pino({ level: 'silent' }),
    startTimer: (ms, onExpire) => {
      assert.equal(ms, DATA_DEADLINE_MS);
      armed++;
      fire = onExpire;
      return () => { fire = null; };
    },
  });
  t.after(() => inbound.close());
  const socket = connect(inbound.port, '127.0.0.1');
  t.after(() => socket.destroy());
  const r = replies(socket);
  await r.next('220');
  for (const [cmd, code] of [['EHLO slow.example.test', '250'], ['MAIL FROM:<>', '250'], ['RCPT TO:<bounces@bounces.sender.test>', '250'], ['DATA', '354']] as const) {
    socket.write(`${cmd}\r\n`);
    await r.next(code);
  }
  // the sender keeps the connection busy, a header line at a time, and never ends the message
  socket.write('From: MAILER-DAEMON@slow.example.test\r\nSubject: Undelivered\r\n');
  assert.equal(armed, 1);
  assert.ok(fire, 'the deadline is running while the message is incomplete');
  (fire as () => void)();
  assert.match(await r.next('421'), /^421 4\.4\.2 .*not received within 10 minutes/);
  await r.ended;
  assert.equal(recorded, 0);
});

test('a message that arrives in time cancels its deadline', async (t) => {
  let armed = 0;
  let cancelled = false;
  const inbound = await startInboundSmtp({
    host: '127.0.0.1', port: 0, returnPathDomain: 'bounces.sender.test', maxBytes: 1024 * 1024, ratePerMinute: 100,
    bounces: { apply: async () => [] } as unknown as BounceWriter,
    quarantine: { keep: async () => 'q' } as unknown as QuarantineStore,
    clock: new TestClock(), logger: pino({ level: 'silent' }),
    startTimer: () => { armed++; return () => { cancelled = true; }; },
  });
  t.after(() => inbound.close());
  const socket = connect(inbound.port, '127.0.0.1');
  t.after(() => socket.destroy());
  const r = replies(socket);
  await r.next('220');
  for (const [cmd, code] of [['HELO quick.example.test', '250'], ['MAIL FROM:<>', '250'], ['RCPT TO:<bounces@bounces.sender.test>', '250'], ['DATA', '354'], ['Subject: hi\r\n\r\nnot a bounce\r\n.', '250']] as const) {
    socket.write(`${cmd}\r\n`);
    await r.next(code);
  }
  assert.equal(armed, 1);
  assert.ok(cancelled);
});
