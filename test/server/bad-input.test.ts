import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { auth, databaseDigest, eventually, startTestServer } from './helpers.ts';

type Inject = { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string | Buffer | object };

/** Every bad request: the expected status, a JSON `{ error, details }`, and not one row written. */
async function expectRejected(t: Parameters<typeof startTestServer>[0] & { name?: string }, s: Awaited<ReturnType<typeof startTestServer>>, req: Inject, status: number, field?: string) {
  const before = databaseDigest(s.server);
  const res = await s.server.app.inject({ ...req, headers: { ...auth(), ...req.headers } } as never);
  assert.equal(res.statusCode, status, `${req.method} ${req.url}: ${res.body.slice(0, 300)}`);
  const body = res.json() as { error: string; details: Record<string, unknown> };
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.details, 'object');
  if (field) assert.match(`${body.error} ${JSON.stringify(body.details)}`, new RegExp(field.replace(/[.[\]]/g, '\\$&')));
  assert.equal(databaseDigest(s.server), before, 'the database changed');
  return body;
}

const json = { 'content-type': 'application/json' };
const rfc822 = { 'content-type': 'message/rfc822' };

describe('bad input on every route: the right 4xx, a JSON body naming the problem, the database unchanged', () => {
  test('POST /v1/messages refuses wrong types, missing and unknown fields, bad addresses, broken JSON and MIME, and huge bodies', async (t) => {
    const s = await startTestServer(t);
    const ok = { from: 'me@sender.test', to: ['a@example.test'], subject: 'hi', text: 'hello' };
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, to: 'a@example.test' } }, 400, 'body.to');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, subject: 42 } }, 400, 'body.subject');
    // a value that breaks a pattern is told the rule in words, not the regular expression
    for (const [payload, field, words] of [
      [{ ...ok, subject: 'one\r\nBcc: x@evil.test' }, 'body.subject', 'one line'],
      [{ ...ok, tag: 'has space' }, 'body.tag', 'a tag: letters, digits'],
      [{ ...ok, to: ['jane doe@example.test'] }, 'body.to[0]', 'an email address'],
      [{ ...ok, headers: { 'X Bad': 'v' } }, 'body.headers', 'a header name'],
    ] as const) {
      const body = await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload }, 400, field);
      assert.ok(body.error.includes(`must be ${words}`) && !/[\^$]/.test(body.error), body.error);
    }
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { to: ok.to, subject: 'x', text: 'y' } }, 400, 'body.from');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, colour: 'red' } }, 400, 'body.colour');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, to: ['not an address'] } }, 400, 'body.to[0]');
    // control characters would go out verbatim in RCPT TO
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, to: ['a\u0007@example.test'] } }, 400, 'body.to[0]');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, to: ['a\u0000x@example.test'] } }, 400, 'body.to[0]');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, from: 'me\u001b@sender.test' } }, 400, 'body.from');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: rfc822, payload: 'From: "a" <me<x>@sender.test>\r\nTo: a@example.test\r\nSubject: s\r\n\r\nbody\r\n' }, 400, 'body.From');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, text: undefined } }, 400, 'body.text');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, headers: { 'X-Bad': 'a\r\nBcc: evil@x.test' } } }, 400, 'body.headers');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: '{"from": "me@sender.test", "to": [' }, 400, 'JSON');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: '' }, 400);
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: rfc822, payload: Buffer.from('\x00\x01 garbage without headers') }, 400, 'body');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: rfc822, payload: 'Subject: no from\r\nTo: a@example.test\r\n\r\nbody\r\n' }, 400, 'body.From');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: rfc822, payload: 'From: me@sender.test\r\nSubject: nobody\r\n\r\nbody\r\n' }, 400, 'body.To');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: JSON.stringify({ ...ok, text: 'x'.repeat(10 * 1024 * 1024) }) }, 413, 'body');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: { 'content-type': 'text/csv' }, payload: 'a,b' }, 415);
    // Rebound's own headers are Rebound's to write: one that marks an ESP message would make the
    // server POST retries to a URL the submitter chose
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, headers: { 'X-Rebound-Resend-URL': 'http://127.0.0.1:9/steal' } } }, 400, 'X-Rebound-Resend-URL');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: json, payload: { ...ok, headers: { 'x-rebound-id': 'dlv_someone_elses' } } }, 400, 'x-rebound-id');
    await expectRejected(t, s, { method: 'POST', url: '/v1/messages', headers: rfc822, payload: 'From: me@sender.test\r\nTo: a@example.test\r\nX-Rebound-Resend-URL: http://127.0.0.1:9/steal\r\nSubject: s\r\n\r\nbody\r\n' }, 400, 'X-Rebound-Resend-URL');
    // a text/plain body is refused for its type, not read as a string that fails the JSON schema
    for (const url of ['/v1/messages', '/v1/bounces', '/v1/classify']) {
      await expectRejected(t, s, { method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'hello' }, 415, 'text/plain');
    }
  });

  test('POST /v1/bounces refuses bad replies, unknown deliveries, a delivery of another recipient, broken MIME and huge bodies', async (t) => {
    const s = await startTestServer(t);
    const sent = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: ['a@example.test'], subject: 's', text: 't' } });
    const deliveryId = (sent.json() as { deliveries: Array<{ id: string }> }).deliveries[0]!.id;
    // the server delivers it in the background: every digest below must see only the requests' effects
    await eventually('the delivery to be made', async () => ((await s.server.store.getDelivery(deliveryId))?.status === 'delivered' ? true : null));
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: 451, recipient: 'a@example.test' } }, 400, 'body.reply');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { recipient: 'a@example.test' } }, 400, 'body.reply');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '451 4.3.2 down', recipient: 'nobody' } }, 400, 'body.recipient');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '451 4.3.2 down', recipient: 'a@example.test', at: 'yesterday' } }, 400, 'body.at');
    // words with no code that no rule knows: recorded, they would fail the delivery for good
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: 'hello world', recipient: 'a@example.test', deliveryId } }, 400, 'body.reply');
    const after = (await s.server.app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}`, headers: auth() })).json() as { status: string; attempts: Array<{ response: string }> };
    assert.ok(after.status !== 'failed' && !after.attempts.some((a) => a.response === 'hello world'), JSON.stringify(after));
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '451 4.3.2 down', recipient: 'a@example.test', extra: true } }, 400, 'body.extra');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '451 4.3.2 down', recipient: 'a@example.test', deliveryId: 'dlv_unknown' } }, 404, 'body.deliveryId');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '451 4.3.2 down', recipient: 'b@example.test', deliveryId } }, 409, 'body.recipient');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: json, payload: '{"reply":' }, 400, 'JSON');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: rfc822, payload: Buffer.alloc(0) }, 400, 'body');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: rfc822, payload: 'From: friend@example.test\r\nSubject: lunch?\r\n\r\nAre you free?\r\n' }, 400, 'body');
    await expectRejected(t, s, { method: 'POST', url: '/v1/bounces', headers: rfc822, payload: Buffer.alloc(10 * 1024 * 1024, 0x41) }, 413);
  });

  test('POST /v1/classify, addresses, deliveries, messages and destinations refuse bad input and unknown ids', async (t) => {
    const s = await startTestServer(t);
    await expectRejected(t, s, { method: 'POST', url: '/v1/classify', headers: json, payload: { reply: ['451'] } }, 400, 'body.reply');
    await expectRejected(t, s, { method: 'POST', url: '/v1/classify', headers: json, payload: { text: '451' } }, 400, 'body');
    await expectRejected(t, s, { method: 'GET', url: '/v1/deliveries/dlv_nope' }, 404, 'params.id');
    const long = await expectRejected(t, s, { method: 'GET', url: `/v1/deliveries/${'x'.repeat(5000)}` }, 414, 'url');
    assert.ok(long.error.length < 400, 'the URL is not echoed back whole');
    await expectRejected(t, s, { method: 'GET', url: `/v1/deliveries/${'x'.repeat(80)}` }, 400, 'params.id');
    await expectRejected(t, s, { method: 'GET', url: '/v1/messages/msg_nope' }, 404, 'params.id');
    await expectRejected(t, s, { method: 'GET', url: '/v1/addresses/nobody@example.test' }, 404, 'params.email');
    await expectRejected(t, s, { method: 'GET', url: '/v1/addresses/not-an-address' }, 400, 'params.email');
    await expectRejected(t, s, { method: 'POST', url: '/v1/addresses/nobody@example.test/reactivate' }, 409, 'params.email');
    // nothing but the address is taken: a field or parameter that would be ignored is refused
    await expectRejected(t, s, { method: 'POST', url: '/v1/addresses/nobody@example.test/suppress', headers: json, payload: { why: 'asked' } }, 400, 'body.why');
    await expectRejected(t, s, { method: 'GET', url: '/v1/addresses/nobody@example.test?verbose=1' }, 400, 'querystring.verbose');
    await expectRejected(t, s, { method: 'GET', url: '/v1/deliveries/counts?status=failed' }, 400, 'querystring.status');
    await expectRejected(t, s, { method: 'GET', url: '/v1/destinations?health=sick' }, 400, 'querystring.health');
    await expectRejected(t, s, { method: 'GET', url: '/v1/nothing-here' }, 404);
  });

  test('a second suppress or a reactivate of an active address is a 409 that changes nothing', async (t) => {
    const s = await startTestServer(t);
    const first = await s.server.app.inject({ method: 'POST', url: '/v1/addresses/jane@example.test/suppress', headers: { ...auth(), ...json }, payload: { reason: 'asked to stop' } });
    assert.equal(first.statusCode, 200);
    assert.deepEqual([(first.json() as { status: string }).status, (first.json() as { reason: string }).reason], ['suppressed', 'asked to stop']);
    await expectRejected(t, s, { method: 'POST', url: '/v1/addresses/jane@example.test/suppress' }, 409, 'params.email');
    const back = await s.server.app.inject({ method: 'POST', url: '/v1/addresses/jane@example.test/reactivate', headers: auth() });
    assert.equal((back.json() as { status: string }).status, 'active');
    await expectRejected(t, s, { method: 'POST', url: '/v1/addresses/jane@example.test/reactivate' }, 409, 'params.email');
  });

  test('no token, a wrong token and a read-only token writing are 401, 401 and 403 with nothing written', async (t) => {
    const s = await startTestServer(t);
    const readOnly = (await s.server.tokens.create('viewer', 'read')).token;
    const stored = (await s.server.tokens.create('writer')).token;
    const routes: Inject[] = [
      { method: 'POST', url: '/v1/messages', headers: json, payload: { from: 'me@sender.test', to: ['a@example.test'], subject: 's', text: 't' } },
      { method: 'POST', url: '/v1/bounces', headers: json, payload: { reply: '550 5.1.1 no', recipient: 'a@example.test' } },
      { method: 'GET', url: '/v1/destinations' },
      { method: 'POST', url: '/v1/addresses/a@example.test/suppress' },
    ];
    // the router decodes percent-escapes: the same routes spelt encoded must be guarded the same
    const encoded = routes.flatMap((r) => [
      { ...r, url: r.url.replace('/v1/', '/%761/') },
      { ...r, url: r.url.replace('/v1/', '/v%31/') },
      { ...r, url: r.url.replace('/v1/', '/%76%31/') },
    ]);
    for (const r of [...routes, ...encoded]) {
      const before = databaseDigest(s.server);
      const none = await s.server.app.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.payload as never });
      assert.equal(none.statusCode, 401, r.url);
      const wrong = await s.server.app.inject({ method: r.method, url: r.url, headers: { ...r.headers, ...auth('rbd_wrong-token-of-the-right-shape') }, payload: r.payload as never });
      assert.equal(wrong.statusCode, 401, r.url);
      assert.match((wrong.json() as { error: string }).error, /not valid/);
      if (r.method === 'POST') {
        const ro = await s.server.app.inject({ method: r.method, url: r.url, headers: { ...r.headers, ...auth(readOnly) }, payload: r.payload as never });
        assert.equal(ro.statusCode, 403, r.url);
      }
      assert.equal(databaseDigest(s.server), before, r.url);
    }
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/destinations', headers: auth(readOnly) })).statusCode, 200);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/destinations', headers: auth(stored) })).statusCode, 200);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const db = (s.server.store as unknown as { db: { prepare(q: string): { all(): unknown[] } } }).db;
    const rows = db.prepare('SELECT token_hash FROM api_tokens').all() as Array<{ token_hash: string }>;
    assert.ok(rows.every((r) => r.token_hash !== readOnly && r.token_hash !== stored && /^[0-9a-f]{64}$/.test(r.token_hash)), 'tokens are stored as digests only');
  });
});
