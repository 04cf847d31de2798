import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import { TestClock } from '../../src/engine/clock.ts';
import { SmtpTransport } from '../../src/delivery/transport/smtp-transport.ts';
import { parseRelayUrl } from '../../src/delivery/transport/relay-url.ts';
import { job } from './helpers/jobs.ts';
import { recordingClassifier } from './helpers/recording-classifier.ts';

/**
 * Servers that do not speak SMTP properly: garbage, truncation, huge replies, binary junk. The
 * transport must give one outcome per delivery, quickly, and never crash or hang.
 */
const servers: net.Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function server(onConnection: (socket: net.Socket) => void): Promise<number> {
  const s = net.createServer((socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
}

/** Answers every line from the client with the next scripted chunk, then closes. */
function scripted(chunks: Array<string | Buffer>): (socket: net.Socket) => void {
  return (socket) => {
    const queue = [...chunks];
    const next = () => {
      const chunk = queue.shift();
      if (chunk === undefined) return void socket.end();
      socket.write(chunk);
    };
    next();
    socket.on('data', () => next());
  };
}

function transport(port: number, timeoutMs = 1000) {
  const t = new SmtpTransport({
    mode: { kind: 'relay', relay: parseRelayUrl(`smtp://127.0.0.1:${port}?starttls=never`) },
    clock: new TestClock(),
    classify: recordingClassifier().classify,
    timeouts: { connectMs: timeoutMs, greetingMs: timeoutMs, idleMs: timeoutMs },
  });
  return t;
}

describe('the transport against hostile servers', () => {
  const cases: Array<[string, Array<string | Buffer>, string]> = [
    ['a greeting that is not SMTP', ['HELLO THERE\r\n'], 'greeting'],
    ['binary junk for a greeting', [Buffer.from([0xff, 0x00, 0xfe, 0x0d, 0x0a])], 'greeting'],
    ['a multi-line greeting cut off by a close', ['220-first line\r\n220-second'], 'greeting'],
    ['a reply over a megabyte', ['220 ok\r\n', `250-${'x'.repeat(1_200_000)}\r\n`], 'ehlo'],
    ['a 2xx reply to RCPT with no end', ['220 ok\r\n', '250 hi\r\n', '250 ok\r\n', '250'], 'rcpt'],
    ['a reply code out of range', ['220 ok\r\n', '250 hi\r\n', '999 what\r\n'], 'mail'],
  ];
  for (const [name, chunks, phase] of cases) {
    test(`${name}: one failed outcome at the ${phase} step`, async () => {
      const port = await server(scripted(chunks));
      const t = transport(port);
      const [o] = await t.deliver([job('h@example.test')]);
      await t.close();
      assert.notEqual(o?.classification.class, 'success');
      assert.equal(o?.phase, phase, o?.response.slice(0, 120));
      assert.ok((o?.response.length ?? 0) < 2_000_000);
    });
  }

  test('random bytes in answer to everything never crash the transport', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 6 }), async (chunks) => {
      const port = await server(scripted(chunks.map((c) => Buffer.from(c))));
      // short timeouts: random bytes rarely end a reply, so most runs end by timing out
      const t = transport(port, 150);
      const outcomes = await t.deliver([job('r1@example.test'), job('r2@example.test')]);
      await t.close();
      assert.equal(outcomes.length, 2);
      for (const o of outcomes) assert.equal(typeof o.response, 'string');
    }), { numRuns: 20 });
  });
});
