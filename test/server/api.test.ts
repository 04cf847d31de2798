import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auth, eventually, startTestServer } from './helpers.ts';

const json = { 'content-type': 'application/json' };

describe('HTTP API: what each route does when the request is right', () => {
  test('a raw message/rfc822 submission gets one delivery per To and Cc recipient and is delivered over SMTP', async (t) => {
    const s = await startTestServer(t);
    const raw = 'From: News <news@sender.test>\r\nTo: a@example.test, B <b@example.test>\r\nCc: c@other.test\r\nSubject: raw\r\nMessage-ID: <raw-1@sender.test>\r\n\r\nHello.\r\n';
    const res = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: raw });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json() as { id: string; deliveries: Array<{ id: string; recipient: string; status: string }> };
    assert.deepEqual(body.deliveries.map((d) => d.recipient).sort(), ['a@example.test', 'b@example.test', 'c@other.test']);
    const deadline = Date.now() + 15_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      const m = (await s.server.app.inject({ method: 'GET', url: `/v1/messages/${body.id}`, headers: auth() })).json() as { originalMessageId: string; deliveries: Array<{ status: string }> };
      assert.equal(m.originalMessageId, '<raw-1@sender.test>');
      statuses = m.deliveries.map((d) => d.status);
      if (statuses.every((x) => x === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(statuses, ['delivered', 'delivered', 'delivered']);
  });

  test('a raw message with a Bcc header goes to the Bcc recipient too, and nobody receives the Bcc header', async (t) => {
    const s = await startTestServer(t);
    const raw = 'From: News <news@sender.test>\r\nTo: a@example.test\r\nBcc: hidden@example.test,\r\n other-hidden@example.test\r\nSubject: raw\r\n\r\nHello.\r\n';
    const res = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: raw });
    assert.equal(res.statusCode, 202, res.body);
    const recipients = (res.json() as { deliveries: Array<{ recipient: string }> }).deliveries.map((d) => d.recipient).sort();
    assert.deepEqual(recipients, ['a@example.test', 'hidden@example.test', 'other-hidden@example.test']);
    const deadline = Date.now() + 15_000;
    while (s.receiver.seen.messages.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(s.receiver.seen.messages.length, 3);
    for (const m of s.receiver.seen.messages) assert.doesNotMatch(m.headers, /^bcc:|hidden@/im);
  });

  test('a 4.3.2 reply recorded against a delivery is classified soft (notaccept) and shows among its attempts', async (t) => {
    const s = await startTestServer(t, { relay: 'smtp://127.0.0.1:9' });
    const sent = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: ['jane@example.test'], subject: 's', text: 't' } });
    const id = (sent.json() as { deliveries: Array<{ id: string }> }).deliveries[0]!.id;
    const at = '2030-01-01T10:00:00.000Z';
    const res = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), ...json }, payload: { reply: '451 4.3.2 System not accepting network messages', recipient: 'Jane@example.test', deliveryId: id, at } });
    assert.equal(res.statusCode, 202, res.body);
    const b = (res.json() as { bounces: Array<{ classification: { reason: string; type: string }; applied: boolean }> }).bounces[0]!;
    assert.equal(b.classification.reason, 'notaccept');
    assert.equal(b.classification.type, 'soft');
    assert.equal(b.applied, true);
    const d = (await s.server.app.inject({ method: 'GET', url: `/v1/deliveries/${id}`, headers: auth() })).json() as { attempts: Array<{ enhanced: string; n: number }>; status: string; attemptCount: number };
    assert.ok(d.attempts.some((a) => a.enhanced === '4.3.2'));
    assert.equal(d.attemptCount, Math.max(...d.attempts.map((a) => a.n)));
  });

  test('a JSON bounce naming a delivery Rebound does not know (pruned, or never made) acts on the address alone; one naming another recipient\'s delivery is a 409', async (t) => {
    const s = await startTestServer(t, { relay: 'smtp://127.0.0.1:9' });
    const gone = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), ...json }, payload: { reply: '550 5.1.1 <old@example.test>: user unknown', recipient: 'old@example.test', deliveryId: 'dlv_01kzzzzzzzzzzzzzzzzz' } });
    assert.equal(gone.statusCode, 202, gone.body);
    const b = (gone.json() as { bounces: Array<{ deliveryId: string; deliveryStatus: string | null; applied: boolean }> }).bounces[0]!;
    assert.deepEqual([b.deliveryId, b.deliveryStatus, b.applied], ['dlv_01kzzzzzzzzzzzzzzzzz', null, true]);
    assert.equal(((await s.server.app.inject({ method: 'GET', url: '/v1/addresses/old@example.test', headers: auth() })).json() as { status: string }).status, 'suppressed');
    const sent = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: ['jane@example.test'], subject: 's', text: 't' } });
    const id = (sent.json() as { deliveries: Array<{ id: string }> }).deliveries[0]!.id;
    const other = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), ...json }, payload: { reply: '550 5.1.1 user unknown', recipient: 'bob@example.test', deliveryId: id } });
    assert.equal(other.statusCode, 409, other.body);
  });

  test('a bounce email posted as message/rfc822 is parsed and suppresses the bounced address', async (t) => {
    const s = await startTestServer(t);
    const dsn = [
      'From: MAILER-DAEMON@mx.example.test', 'To: news@sender.test', 'Subject: Undelivered Mail', 'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '', '--B', 'Content-Type: text/plain', '', 'Failed.',
      '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.test', '', 'Final-Recipient: rfc822; gone@example.test',
      'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '--B--', '',
    ].join('\r\n');
    const res = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: dsn });
    assert.equal(res.statusCode, 202, res.body);
    const a = (await s.server.app.inject({ method: 'GET', url: '/v1/addresses/gone@example.test', headers: auth() })).json() as { status: string };
    assert.equal(a.status, 'suppressed');
    // a forwarded address: the report's Original-Recipient is the address acted on, and is shown
    const forwarded = dsn.replace('Final-Recipient: rfc822; gone@example.test', 'Final-Recipient: rfc822; gone@forwarded.test\r\nOriginal-Recipient: rfc822;old@example.test');
    const fwd = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: forwarded });
    const [b] = (fwd.json() as { bounces: Array<{ recipient: string; originalRecipient: string | null; events: string[] }> }).bounces;
    assert.deepEqual([b?.recipient, b?.originalRecipient, b?.events], ['gone@forwarded.test', 'old@example.test', ['address.suppressed']]);
  });

  test('GET /v1/deliveries lists newest first, filters by domain, recipient and status, and refuses a limit outside 1 to 500', async (t) => {
    const s = await startTestServer(t, { relay: 'smtp://127.0.0.1:9' });
    for (const to of ['first@a.test', 'second@b.test', 'third@a.test']) {
      const r = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: [to], subject: 's', text: 't' } });
      assert.equal(r.statusCode, 202, r.body);
    }
    const list = async (query: string) => (await s.server.app.inject({ method: 'GET', url: `/v1/deliveries${query}`, headers: auth() })).json() as { deliveries: Array<{ recipient: string }> };
    assert.deepEqual((await list('')).deliveries.map((d) => d.recipient), ['third@a.test', 'second@b.test', 'first@a.test']);
    assert.deepEqual((await list('?limit=1')).deliveries.map((d) => d.recipient), ['third@a.test']);
    assert.deepEqual((await list('?domain=a.test')).deliveries.map((d) => d.recipient), ['third@a.test', 'first@a.test']);
    assert.deepEqual((await list('?recipient=first@a.test')).deliveries.map((d) => d.recipient), ['first@a.test']);
    for (const limit of ['0', '501', '-1', 'ten']) {
      const bad = await s.server.app.inject({ method: 'GET', url: `/v1/deliveries?limit=${limit}`, headers: auth() });
      assert.equal(bad.statusCode, 400, limit);
      assert.match((bad.json() as { error: string }).error, /limit/);
    }
  });

  test('an address only ever delivered to (no row of its own yet) is shown active, not unknown', async (t) => {
    const s = await startTestServer(t);
    await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: ['fine@example.test'], subject: 's', text: 't' } });
    const res = await s.server.app.inject({ method: 'GET', url: '/v1/addresses/Fine@example.test', headers: auth() });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([(res.json() as { email: string }).email, (res.json() as { status: string }).status, (res.json() as { failureCount: number }).failureCount], ['fine@example.test', 'active', 0]);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/addresses/never@example.test', headers: auth() })).statusCode, 404);
  });

  test('a suspension that is over reads as probing in GET /v1/destinations, its health filter and the Prometheus gauge; a live one as suspended', async (t) => {
    const s = await startTestServer(t);
    const now = s.server.engine.clock.now();
    await s.server.store.updateDestinationHealth('over.test', { health: 'suspended', suspendedUntil: now - 60_000 }, now - 3_600_000);
    await s.server.store.updateDestinationHealth('down.test', { health: 'suspended', suspendedUntil: now + 300_000 }, now);
    const list = await s.server.app.inject({ method: 'GET', url: '/v1/destinations', headers: auth() });
    const health = Object.fromEntries((list.json() as { destinations: Array<{ domain: string; health: string }> }).destinations.map((d) => [d.domain, d.health]));
    assert.deepEqual(health, { 'over.test': 'probing', 'down.test': 'suspended' });
    const suspended = await s.server.app.inject({ method: 'GET', url: '/v1/destinations?health=suspended', headers: auth() });
    assert.deepEqual((suspended.json() as { destinations: Array<{ domain: string }> }).destinations.map((d) => d.domain), ['down.test']);
    const prom = await s.server.app.inject({ method: 'GET', url: '/metrics', headers: auth() });
    assert.match(prom.body, /^rebound_destinations_suspended 1$/m);
    // an internationalised domain is kept as its A-label and also given as people write it
    await s.server.store.updateDestinationHealth('xn--bcher-kva.example', { health: 'open', suspendedUntil: null }, now);
    const idn = ((await s.server.app.inject({ method: 'GET', url: '/v1/destinations', headers: auth() })).json() as { destinations: Array<{ domain: string; domainUnicode: string }> }).destinations;
    assert.deepEqual(idn.filter((d) => d.domain.startsWith('xn--')).map((d) => [d.domain, d.domainUnicode]), [['xn--bcher-kva.example', 'bücher.example']]);
    assert.equal(idn.find((d) => d.domain === 'down.test')!.domainUnicode, 'down.test');
  });

  test('a long address (126 characters) and an internationalised domain can be submitted, looked up and suppressed; the IDN is one address in either form', async (t) => {
    const s = await startTestServer(t);
    const long = `${'l'.repeat(60)}@${'sub.'.repeat(14)}example.test`;
    assert.ok(long.length > 100);
    const sent = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: [long, 'Anna@Bücher.example'], subject: 's', text: 't' } });
    assert.equal(sent.statusCode, 202, sent.body);
    assert.deepEqual((sent.json() as { deliveries: Array<{ recipient: string }> }).deliveries.map((d) => d.recipient).sort(), [long, 'anna@xn--bcher-kva.example'].sort());
    const shown = await s.server.app.inject({ method: 'GET', url: `/v1/addresses/${encodeURIComponent(long)}`, headers: auth() });
    assert.equal(shown.statusCode, 200, shown.body);
    const suppressed = await s.server.app.inject({ method: 'POST', url: `/v1/addresses/${encodeURIComponent(long)}/suppress`, headers: auth() });
    assert.equal((suppressed.json() as { status: string }).status, 'suppressed');
    const annaId = (sent.json() as { deliveries: Array<{ id: string; recipient: string }> }).deliveries.find((d) => d.recipient.startsWith('anna@'))!.id;
    const listed = await s.server.app.inject({ method: 'GET', url: `/v1/deliveries?recipient=${encodeURIComponent('anna@bücher.example')}`, headers: auth() });
    assert.deepEqual((listed.json() as { deliveries: Array<{ id: string }> }).deliveries.map((d) => d.id), [annaId]);
    const byDomain = await s.server.app.inject({ method: 'GET', url: `/v1/deliveries?domain=${encodeURIComponent('Bücher.example')}`, headers: auth() });
    assert.deepEqual((byDomain.json() as { deliveries: Array<{ id: string }> }).deliveries.map((d) => d.id), [annaId], byDomain.body);
    const summary = await s.server.app.inject({ method: 'GET', url: `/v1/metrics/summary?domain=${encodeURIComponent('BÜCHER.example')}`, headers: auth() });
    assert.equal(summary.statusCode, 200, summary.body);
    const bounced = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), ...json }, payload: { reply: '550 5.1.1 no such user', recipient: 'anna@bücher.example', deliveryId: annaId } });
    assert.equal(bounced.statusCode, 202, bounced.body);
    // only ASCII letters are folded: a Unicode case mapping onto ASCII (the Kelvin sign) would reach another mailbox
    const kelvin = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), ...json }, payload: { from: 'me@sender.test', to: ['\u212Aate@example.test'], subject: 's', text: 't' } });
    assert.deepEqual((kelvin.json() as { deliveries: Array<{ recipient: string }> }).deliveries.map((d) => d.recipient), ['\u212Aate@example.test']);
    for (const form of ['anna@bücher.example', 'anna@xn--bcher-kva.example', 'ANNA@BÜCHER.EXAMPLE']) {
      const idn = await s.server.app.inject({ method: 'GET', url: `/v1/addresses/${encodeURIComponent(form)}`, headers: auth() });
      assert.equal(idn.statusCode, 200, `${form}: ${idn.body}`);
      assert.equal((idn.json() as { email: string }).email, 'anna@xn--bcher-kva.example');
    }
  });

  test('classify answers without recording, and /openapi.json documents every route with its schemas', async (t) => {
    const s = await startTestServer(t);
    const c = await s.server.app.inject({ method: 'POST', url: '/v1/classify', headers: { ...auth(), ...json }, payload: { reply: '452 4.2.2 Mailbox full' } });
    assert.equal((c.json() as { reason: string }).reason, 'mailboxfull');
    const doc = (await s.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/v1/messages', '/v1/bounces', '/v1/classify', '/v1/deliveries/{id}', '/v1/addresses/{email}', '/v1/addresses/{email}/suppress', '/v1/destinations', '/healthz']) assert.ok(doc.paths[p], p);
    assert.ok(doc.paths['/v1/messages']!.post!.requestBody!.content['message/rfc822']);
    // every route but the dashboard's own pages and files is in the document
    const { undocumentedRoutes } = await import('../../src/server/openapi.ts');
    assert.deepEqual(undocumentedRoutes(s.server.app).filter((url) => !['/', '/*', '/login', '/logout', '/web/clock', '/static/*', '/vendor/*'].includes(url)), []);
    for (const p of ['/v1/metrics/summary', '/v1/metrics/time-of-day', '/v1/segments/affected', '/v1/deliveries', '/v1/deliveries/counts', '/metrics']) assert.ok(doc.paths[p]?.get, p);
    const params = (doc.paths['/v1/segments/affected']!.get as unknown as { parameters: Array<{ name: string }> }).parameters.map((p) => p.name);
    for (const name of ['from', 'to', 'enhanced', 'reason', 'domain', 'kind', 'format']) assert.ok(params.includes(name), name);
    assert.ok((doc.paths['/metrics']!.get as unknown as { responses: { 200: { content: Record<string, unknown> } } }).responses[200].content['text/plain; version=0.0.4']);
  });

  test('a recipient refused at submission says why in the 202; a subject with a line break is a 400, not a folded header', async (t) => {
    const s = await startTestServer(t);
    const post = (payload: object) => s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': 'application/json' }, payload });
    assert.equal((await s.server.app.inject({ method: 'POST', url: '/v1/addresses/gone%40example.test/suppress', headers: auth() })).statusCode, 200);
    const res = await post({ from: 'news@sender.test', to: ['gone@example.test', 'here@example.test'], subject: 'hi', text: 'hello' });
    assert.equal(res.statusCode, 202);
    const byRecipient = Object.fromEntries((res.json() as { deliveries: Array<{ recipient: string; status: string; rule?: string }> }).deliveries.map((d) => [d.recipient, [d.status, d.rule ?? null]]));
    assert.deepEqual(byRecipient, { 'gone@example.test': ['failed', 'address/suppressed'], 'here@example.test': ['queued', null] });
    const folded = await post({ from: 'news@sender.test', to: ['here@example.test'], subject: 'hi\r\nBcc: victim@evil.test', text: 'hello' });
    assert.equal(folded.statusCode, 400);
    assert.equal(folded.json().details.field, 'body.subject');
  });

  test('POST /v1/suppressions imports a suppression list in one call; submissions to those addresses then fail at once', async (t) => {
    const s = await startTestServer(t);
    const post = (url: string, payload: object) => s.server.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': 'application/json' }, payload });
    const r = await post('/v1/suppressions', { addresses: ['A@Example.test', 'b@example.test', 'a@example.test', 'nope'], reason: 'ses export' });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { suppressed: 2, already: 0, duplicates: 1, invalid: ['nope'] });
    assert.deepEqual((await post('/v1/suppressions', { addresses: ['b@example.test'] })).json(), { suppressed: 0, already: 1, duplicates: 0, invalid: [] });
    assert.deepEqual((await post('/v1/suppressions', { addresses: ['bad\u0000address'] })).json().invalid, ['bad\uFFFDaddress'], 'echoed printable');
    const m = await post('/v1/messages', { from: 'news@sender.test', to: ['a@example.test'], subject: 'hi', text: 'hello' });
    assert.deepEqual((m.json() as { deliveries: Array<{ status: string; rule: string }> }).deliveries.map((d) => [d.status, d.rule]), [['failed', 'address/suppressed']]);
    assert.equal((await post('/v1/suppressions', { addresses: [] })).statusCode, 400);
    assert.equal((await s.server.app.inject({ method: 'POST', url: '/v1/suppressions', headers: { 'content-type': 'application/json' }, payload: { addresses: ['x@example.test'] } })).statusCode, 401);
  });

  test('a tag groups a send: GET /v1/tags/:tag says how its deliveries stand, why they failed, what was never sent, and the bounce rate', async (t) => {
    const s = await startTestServer(t);
    const post = (url: string, payload: object) => s.server.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': 'application/json' }, payload });
    await post('/v1/suppressions', { addresses: ['gone@example.test'] });
    const m = await post('/v1/messages', { from: 'news@sender.test', to: ['a@example.test', 'b@example.test', 'gone@example.test'], subject: 'spring', text: 'hello', tag: 'spring-2026' });
    assert.equal(m.statusCode, 202, m.body);
    const raw = await s.server.app.inject({ method: 'POST', url: '/v1/messages?tag=spring-2026', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: 'From: news@sender.test\r\nTo: c@example.test\r\nSubject: spring\r\n\r\nhello\r\n' });
    assert.equal(raw.statusCode, 202, raw.body);
    const ids = [...(m.json() as { deliveries: Array<{ id: string; recipient: string }> }).deliveries];
    // b's server refuses it for good, as a bounce report says
    await post('/v1/bounces', { reply: '550 5.1.1 <b@example.test>: Recipient address rejected: User unknown', recipient: 'b@example.test', deliveryId: ids.find((d) => d.recipient === 'b@example.test')!.id });
    const view = await eventually('a and c delivered', async () => {
      const v = (await s.server.app.inject({ method: 'GET', url: '/v1/tags/spring-2026', headers: auth() })).json() as { deliveries: { delivered: number }; firstAt: string; lastAt: string };
      return v.deliveries.delivered === 2 ? v : null;
    });
    assert.deepEqual(view, {
      tag: 'spring-2026', messages: 2, firstAt: view.firstAt, lastAt: view.lastAt,
      deliveries: { total: 4, queued: 0, deferred: 0, delivered: 2, failed: 1, notSent: 1 },
      bounceRate: 1 / 3, complaints: 0, complaintRate: 0, complaintLevel: 'ok',
      failedByReason: { userunknown: 1 }, waitingByReason: {}, notSent: { 'address/suppressed': 1 },
    });
    // a's mailbox provider sends its spam report (ARF) twice: one complaint of two delivered
    const arf = (n: number) => readFileSync(new URL('../fixtures/dsn/arf-abuse.eml', import.meta.url), 'latin1')
      .replace('angry@isp.example', 'a@example.test').replace('angry@isp.example', 'a@example.test')
      .replace('dlv_promo_42', ids.find((d) => d.recipient === 'a@example.test')!.id).replace('<arf-77@', `<arf-${n}@`);
    for (const n of [1, 2]) assert.equal((await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth(), 'content-type': 'message/rfc822' }, payload: arf(n) })).statusCode, 202);
    const after = (await s.server.app.inject({ method: 'GET', url: '/v1/tags/spring-2026', headers: auth() })).json() as Record<string, unknown>;
    assert.deepEqual([after.complaints, after.complaintRate, after.complaintLevel], [1, 1 / 2, 'too-high']);
    assert.deepEqual(((await s.server.app.inject({ method: 'GET', url: '/v1/tags', headers: auth() })).json() as { tags: Array<{ tag: string; messages: number }> }).tags.map((x) => [x.tag, x.messages]), [['spring-2026', 2]]);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/tags/winter', headers: auth() })).statusCode, 404);
    // the recipients behind the counts: the failed ones of the campaign, the never-sent one by its rule
    const failed = ((await s.server.app.inject({ method: 'GET', url: '/v1/deliveries?tag=spring-2026&status=failed', headers: auth() })).json() as { deliveries: Array<{ recipient: string; rule: string }> }).deliveries;
    assert.deepEqual(failed.map((d) => [d.recipient, d.rule.startsWith('address/') ? d.rule : 'sent']).sort(), [['b@example.test', 'sent'], ['gone@example.test', 'address/suppressed']]);
    // filters combine, and a long list comes in pages: each page's `next` is the following one's `after`
    const list = async (query: string) => (await s.server.app.inject({ method: 'GET', url: `/v1/deliveries?${query}`, headers: auth() })).json() as { deliveries: Array<{ recipient: string }>; next: string | null };
    assert.deepEqual((await list('tag=spring-2026&domain=example.test&status=failed')).deliveries.map((d) => d.recipient).sort(), ['b@example.test', 'gone@example.test']);
    const first = await list('tag=spring-2026&limit=3');
    assert.equal(first.deliveries.length, 3);
    const second = await list(`tag=spring-2026&limit=3&after=${encodeURIComponent(first.next!)}`);
    assert.deepEqual([second.deliveries.length, second.next], [1, null]);
    assert.deepEqual([...first.deliveries, ...second.deliveries].map((d) => d.recipient).sort(), ['a@example.test', 'b@example.test', 'c@example.test', 'gone@example.test']);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/deliveries?after=%3Cdlv%3E', headers: auth() })).statusCode, 400);
    assert.equal((await post('/v1/messages', { from: 'news@sender.test', to: ['a@example.test'], subject: 'x', text: 'x', tag: 'has space' })).statusCode, 400);
    assert.equal((await s.server.app.inject({ method: 'POST', url: '/v1/messages?tag=one', headers: { ...auth(), 'content-type': 'application/json' }, payload: { from: 'news@sender.test', to: ['a@example.test'], subject: 'x', text: 'x', tag: 'two' } })).statusCode, 400);
  });
});
