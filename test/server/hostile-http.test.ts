import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auth, startTestServer } from './helpers.ts';

test('random bytes, random JSON and random MIME on the write routes always get a 2xx or a 4xx with { error, details }, never a 5xx or a hang', async (t) => {
  const s = await startTestServer(t, { relay: 'smtp://127.0.0.1:9' });
  const routes = ['/v1/bounces', '/v1/messages', '/v1/classify'];
  const bodies = fc.oneof(
    fc.json().map((j) => ({ type: 'application/json', payload: j })),
    fc.anything().map((v) => ({ type: 'application/json', payload: JSON.stringify({ reply: v, recipient: v, from: v, to: v, subject: v }) ?? 'null' })),
    fc.uint8Array({ maxLength: 2000 }).map((b) => ({ type: 'message/rfc822', payload: Buffer.from(b) })),
    fc.string({ maxLength: 2000 }).map((text) => ({ type: 'message/rfc822', payload: `From: a@b.test\r\nTo: c@d.test\r\nContent-Type: multipart/report; boundary="x"\r\n\r\n--x\r\n${text}` })),
  );
  await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), bodies, async (url, body) => {
    const res = await s.server.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': body.type }, payload: body.payload });
    assert.ok(res.statusCode < 500, `${url} ${res.statusCode}: ${res.body.slice(0, 200)}`);
    if (res.statusCode >= 400) {
      const b = res.json() as { error: unknown; details: unknown };
      assert.equal(typeof b.error, 'string');
      assert.equal(typeof b.details, 'object');
    }
  }), { numRuns: 300 });
});

test('a token sent in the query string is refused and never written to the log', async (t) => {
  const { Writable } = await import('node:stream');
  const { pino } = await import('pino');
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const s = await startTestServer(t, { logLevel: 'info' }, { logger: pino({ level: 'info' }, sink) });
  const res = await s.server.app.inject({ method: 'GET', url: '/v1/deliveries?token=rbd_QUERYSECRET&access_token=rbd_OTHER' });
  assert.equal(res.statusCode, 401);
  assert.ok(lines.some((l) => l.includes('/v1/deliveries?token=[redacted]')), 'the request is still logged');
  assert.ok(!lines.some((l) => /QUERYSECRET|rbd_OTHER/.test(l)), 'no token in the log');
});

test("requests Node's HTTP parser refuses (a lower-case method, headers over 16 KiB, broken framing) get a 4xx in the API's { error, details } shape over a real socket", async (t) => {
  const { connect } = await import('node:net');
  const s = await startTestServer(t);
  const raw = (request: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(s.server.httpPort, '127.0.0.1', () => socket.write(request));
    let got = '';
    socket.on('data', (d: Buffer) => { got += d.toString(); });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
  const cases: Array<[string, number, RegExp]> = [
    ['get /v1/deliveries HTTP/1.1\r\nHost: x\r\n\r\n', 400, /methods are upper case/],
    [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /headers are too large/],
    ['POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n', 400, /Content-Length/],
  ];
  for (const [request, status, error] of cases) {
    const response = await raw(request);
    const [head = '', body = ''] = response.split('\r\n\r\n');
    assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), response.slice(0, 200));
    assert.match(head, /content-type: application\/json/i);
    const parsed = JSON.parse(body) as { error: string; details: { code: string } };
    assert.match(parsed.error, error);
    assert.equal(typeof parsed.details.code, 'string');
  }
});
