import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from './helpers.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';

const pgSkip = await postgresAvailability();

const DSN = (rcpt: string) => [
  'From: MAILER-DAEMON@mx.example.test',
  'To: bounces+jane=example.test@bounces.sender.test',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <dsn-1@mx.example.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
  '',
  '--B',
  'Content-Type: text/plain',
  '',
  'Your message could not be delivered.',
  '--B',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.test',
  '',
  `Final-Recipient: rfc822; ${rcpt}`,
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <jane@example.test>: Recipient address rejected: User unknown',
  '--B--',
  '',
].join('\r\n');

function sender(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
}

describe('inbound SMTP for bounce emails', () => {
  test('a bounce email to the return-path domain is parsed and applied before the 250: the address is suppressed', async (t) => {
    const s = await startTestServer(t);
    const info = await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces+jane=example.test@bounces.sender.test'] }, raw: DSN('jane@example.test') });
    assert.match(info.response, /^250/);
    const a = await s.server.engine.getAddress('jane@example.test');
    assert.equal(a?.status, 'suppressed');
    assert.equal(a?.reason, 'userunknown');
  });

  test('a rules file given to serve (rules / --rules) decides for live replies, POST /v1/classify, bounce emails over SMTP and over HTTP', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-rules-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const rules = join(dir, 'my-rules.yaml');
    // this site's mail system says "user unknown" for its content filter; the operator knows it
    writeFileSync(rules, 'rules:\n  # "550 5.1.1 <jane@example.test>: Recipient address rejected: User unknown"\n  - id: site/filter-says-user-unknown\n    reason: filtered\n    text: ["recipient address rejected: user unknown"]\n');
    const s = await startTestServer(t, { rules });
    const auth = { authorization: 'Bearer test-token-0123456789abcdef' };
    const c = await s.server.app.inject({ method: 'POST', url: '/v1/classify', headers: { ...auth, 'content-type': 'application/json' }, payload: { reply: '550 5.1.1 <jane@example.test>: Recipient address rejected: User unknown' } });
    assert.deepEqual([(c.json() as { reason: string; rule: string }).reason, (c.json() as { rule: string }).rule], ['filtered', 'site/filter-says-user-unknown']);
    const info = await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces+jane=example.test@bounces.sender.test'] }, raw: DSN('jane@example.test') });
    assert.match(info.response, /^250/);
    assert.notEqual((await s.server.engine.getAddress('jane@example.test'))?.status, 'suppressed');
    const viaHttp = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth, 'content-type': 'message/rfc822' }, payload: DSN('joe@example.test') });
    assert.equal(viaHttp.statusCode, 202, viaHttp.body);
    assert.equal((viaHttp.json() as { bounces: Array<{ classification: { reason: string } }> }).bounces[0]?.classification.reason, 'filtered');
  });

  test('one bounce email taken in over SMTP and again over HTTP is applied once, and the answer names its delivery and status', async (t) => {
    const s = await startTestServer(t, { relay: 'smtp://127.0.0.1:9' });
    const auth = { authorization: 'Bearer test-token-0123456789abcdef' };
    const sent = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth, 'content-type': 'application/json' }, payload: { from: 'me@sender.test', to: ['jane@example.test'], subject: 's', text: 't' } });
    const id = (sent.json() as { deliveries: Array<{ id: string }> }).deliveries[0]!.id;
    // the returned headers carry the delivery's X-Rebound-ID, as a real bounce of Rebound's mail does
    const dsn = DSN('jane@example.test').replace('--B--', `--B\r\nContent-Type: text/rfc822-headers\r\n\r\nX-Rebound-ID: ${id}\r\nSubject: s\r\n\r\n--B--`);
    await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces+jane=example.test@bounces.sender.test'] }, raw: dsn });
    const attempts = async () => ((await s.server.app.inject({ method: 'GET', url: `/v1/deliveries/${id}`, headers: auth })).json() as { status: string; attempts: unknown[] });
    const after = await attempts();
    assert.equal(after.status, 'failed');
    const again = await s.server.app.inject({ method: 'POST', url: '/v1/bounces', headers: { ...auth, 'content-type': 'message/rfc822' }, payload: dsn });
    assert.equal(again.statusCode, 202, again.body);
    const [b] = (again.json() as { bounces: Array<{ applied: boolean; deliveryId: string; deliveryStatus: string | null }> }).bounces;
    assert.deepEqual([b?.applied, b?.deliveryId, b?.deliveryStatus], [false, id, 'failed']);
    assert.equal((await attempts()).attempts.length, after.attempts.length, 'no second attempt recorded');
  });

  test("a headers-only bounce for a forwarded address is tied to its delivery by the ENVID and the Original-Recipient Rebound sent", async (t) => {
    const s = await startTestServer(t);
    const { deliveries: [d] } = await s.server.engine.submit({ from: 'news@sender.test', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.test']);
    const raw = DSN('jane@forwarded.test')
      .replace('Reporting-MTA: dns; mx.example.test\r\n', `Reporting-MTA: dns; mx.example.test\r\nOriginal-Envelope-Id: ${d!.id}\r\n`)
      .replace('Final-Recipient: rfc822; jane@forwarded.test', 'Final-Recipient: rfc822; jane@forwarded.test\r\nOriginal-Recipient: rfc822;jane@example.test');
    await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces@bounces.sender.test'] }, raw });
    assert.equal((await s.server.store.getDelivery(d!.id))?.status, 'failed');
    assert.equal((await s.server.engine.getAddress('jane@example.test'))?.status, 'suppressed');
    assert.equal(await s.server.engine.getAddress('jane@forwarded.test'), null);
  });

  test("a bounce naming another recipient's delivery id does not touch that delivery: it acts on the address it names", async (t) => {
    // delivery ids travel in every message: a recipient who knows a neighbour's must not be able
    // to fail it and suppress the neighbour by sending Rebound a bounce
    const s = await startTestServer(t);
    const { deliveries: [victim] } = await s.server.engine.submit({ from: 'news@sender.test', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['victim@example.test']);
    const raw = DSN('attacker@example.test').replace('--B--', `--B\r\nContent-Type: text/rfc822-headers\r\n\r\nX-Rebound-ID: ${victim!.id}\r\nSubject: hi\r\n\r\n--B--`);
    await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces@bounces.sender.test'] }, raw });
    assert.notEqual((await s.server.store.getDelivery(victim!.id))?.status, 'failed');
    assert.equal(await s.server.engine.getAddress('victim@example.test'), null);
    assert.equal((await s.server.engine.getAddress('attacker@example.test'))?.status, 'suppressed');
  });

  test('mail for any other domain is refused at RCPT: no open relay', async (t) => {
    const s = await startTestServer(t);
    await assert.rejects(
      sender(s.server.smtpPort).sendMail({ envelope: { from: 'spammer@evil.test', to: ['victim@gmail.test'] }, raw: 'Subject: hi\r\n\r\nbuy\r\n' }),
      (err: Error & { responseCode?: number }) => err.responseCode === 550 && /Relaying denied/.test(err.message),
    );
  });

  test('an email that is not a readable bounce is accepted and kept for inspection, not dropped', async (t) => {
    const s = await startTestServer(t);
    const raw = 'From: someone@example.test\r\nSubject: hello\r\n\r\nJust saying hi, not a bounce.\r\n';
    const info = await sender(s.server.smtpPort).sendMail({ envelope: { from: 'someone@example.test', to: ['bounces@bounces.sender.test'] }, raw });
    assert.match(info.response, /^250/);
    const db = (s.server.store as unknown as { db: import('better-sqlite3').Database }).db;
    const rows = db.prepare('SELECT why, envelope, raw FROM inbound_quarantine').all() as Array<{ why: string; envelope: string; raw: Buffer }>;
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.raw.toString(), /Just saying hi/);
    assert.deepEqual(JSON.parse(rows[0]!.envelope).to, ['bounces@bounces.sender.test']);

    // and an operator sees it over the API, and fetches it whole
    const auth = { authorization: 'Bearer test-token-0123456789abcdef' };
    const list = await s.server.app.inject({ method: 'GET', url: '/v1/quarantine', headers: auth });
    assert.equal(list.statusCode, 200);
    const [q] = (list.json() as { quarantined: Array<{ id: string; why: string; size: number; envelope: { from: string } }> }).quarantined;
    assert.equal(q!.envelope.from, 'someone@example.test');
    assert.match(q!.why, /no bounced recipient/);
    const one = await s.server.app.inject({ method: 'GET', url: `/v1/quarantine/${q!.id}`, headers: auth });
    assert.match(String(one.headers['content-type']), /^message\/rfc822/);
    assert.equal(one.body, raw);
    assert.equal(q!.size, Buffer.byteLength(raw));
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/quarantine/q_0000000000000000', headers: auth })).statusCode, 404);
    assert.equal((await s.server.app.inject({ method: 'GET', url: '/v1/quarantine' })).statusCode, 401);
  });

  test('an email over the size limit is refused with 552 and nothing is recorded', async (t) => {
    const s = await startTestServer(t, { smtpMaxBytes: 64 * 1024 });
    await assert.rejects(
      sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces@bounces.sender.test'] }, raw: DSN('big@example.test') + 'x'.repeat(200 * 1024) }),
      (err: Error & { responseCode?: number }) => err.responseCode === 552,
    );
    assert.equal(await s.server.engine.getAddress('big@example.test'), null);
  });

  test('a client over its rate is told to come back later (421)', async (t) => {
    const s = await startTestServer(t, { smtpRatePerMinute: 2 });
    const send = () => sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces@bounces.sender.test'] }, raw: 'Subject: x\r\n\r\ny\r\n' });
    await send();
    await send();
    await assert.rejects(send(), (err: Error & { responseCode?: number }) => err.responseCode === 421);
  });

  test('the rate counts messages, not connections: many messages over one connection are limited too', async (t) => {
    const s = await startTestServer(t, { smtpRatePerMinute: 3 });
    const pooled = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: 100 });
    t.after(() => pooled.close());
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await pooled.sendMail({ envelope: { from: '', to: ['bounces@bounces.sender.test'] }, raw: `Subject: x${i}\r\n\r\ny\r\n` }).then(() => 250, (err: { responseCode?: number }) => err.responseCode));
    }
    assert.deepEqual(results, [250, 250, 250, 421, 421]);
  });

  test('on PostgreSQL too, an unreadable email is committed to the shared database before the 250', { skip: pgSkip ?? false }, async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const s = await startTestServer(t, { db: `${PG_URL}?schema=${schema}` });
    const raw = 'From: someone@example.test\r\nSubject: hello\r\n\r\nNot a bounce either.\r\n';
    const info = await sender(s.server.smtpPort).sendMail({ envelope: { from: 'someone@example.test', to: ['bounces@bounces.sender.test'] }, raw });
    assert.match(info.response, /^250/);
    // read back through a connection of its own, as another node would
    const other = new PostgresStore(PG_URL, { schema });
    t.after(() => other.close());
    const kept = await other.listQuarantined(10);
    assert.equal(kept.length, 1);
    assert.deepEqual(JSON.parse(kept[0]!.envelope).to, ['bounces@bounces.sender.test']);
    assert.match((await other.quarantinedRaw(kept[0]!.id))!.toString(), /Not a bounce either/);
  });
});

describe('VERP: bounces that come back to the listener', () => {
  test('with envelopeSender verp, MAIL FROM names the recipient in the return-path domain, and a bounce naming nobody in its text still reaches the right address', async (t) => {
    const s = await startTestServer(t, { envelopeSender: 'verp' });
    const auth = { authorization: 'Bearer test-token-0123456789abcdef' };
    const res = await s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth, 'content-type': 'application/json' }, payload: { from: 'news@sender.test', to: ['Jane.Doe@example.test', 'bob@other.test'], subject: 'hi', text: 'hello' } });
    assert.equal(res.statusCode, 202, res.body);
    const deadline = Date.now() + 15_000;
    while (s.receiver.seen.messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(s.receiver.seen.messages.map((m) => m.from).sort(), ['bounces+bob=other.test@bounces.sender.test', 'bounces+jane.doe=example.test@bounces.sender.test']);

    // a qmail-style notice that quotes a reply but no address, sent to the return path it came from
    // (qmail's layout: the notice, then the returned copy quoting the VERP return path)
    const notice = ['From: MAILER-DAEMON@mx.example.test', 'To: bounces+jane.doe=example.test@bounces.sender.test', 'Subject: failure notice', '',
      'Hi. This is the qmail-send program at mx.example.test.', 'I\'m afraid I wasn\'t able to deliver your message.', 'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.', '',
      'Remote host said: 550 5.1.1 The email account that you tried to reach does not exist.', '', '--- Below this line is a copy of the message.', '',
      'Return-Path: <bounces+jane.doe=example.test@bounces.sender.test>', 'From: news@sender.test', 'Subject: hi', '', 'hello', ''].join('\r\n');
    const info = await sender(s.server.smtpPort).sendMail({ envelope: { from: '', to: ['bounces+jane.doe=example.test@bounces.sender.test'] }, raw: notice.replace('To: bounces+jane.doe=example.test@bounces.sender.test\r\n', 'To: undisclosed-recipients:;\r\n') });
    assert.match(info.response, /^250/);
    const a = await s.server.engine.getAddress('jane.doe@example.test');
    assert.equal(a?.status, 'suppressed', 'the envelope recipient of the bounce named the address');
    assert.equal((await s.server.engine.getAddress('bob@other.test'))?.status ?? 'active', 'active');
  });
});
