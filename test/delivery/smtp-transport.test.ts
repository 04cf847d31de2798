import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { TestClock } from '../../src/engine/clock.ts';
import { TestReceiver, parseScript, type TestReceiverOptions } from '../../src/delivery/test-receiver/index.ts';
import { SmtpTransport, type SmtpTransportOptions } from '../../src/delivery/transport/smtp-transport.ts';
import { parseRelayUrl } from '../../src/delivery/transport/relay-url.ts';
import { policyWith } from './helpers/policy.ts';
import type { DnsResolver } from '../../src/delivery/transport/mx-route.ts';
import { job, testTls } from './helpers/jobs.ts';
import { recordingClassifier } from './helpers/recording-classifier.ts';
import { classify } from '../../src/classify/index.ts';

const clock = new TestClock();
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(cleanup.map((f) => f()));
});

async function receiver(script = '{}', options: Omit<TestReceiverOptions, 'script'> = {}): Promise<TestReceiver> {
  const r = await TestReceiver.start({ now: () => clock.now(), ...options, script: parseScript(script) });
  cleanup.push(() => r.stop());
  return r;
}

function transport(options: Partial<SmtpTransportOptions> & Pick<SmtpTransportOptions, 'mode'>) {
  const rec = recordingClassifier();
  const t = new SmtpTransport({ clock, classify: rec.classify, timeouts: { connectMs: 2000, greetingMs: 2000, idleMs: 2000 }, ehloName: 'rebound.test', ...options });
  cleanup.push(() => t.close());
  return { t, calls: rec.calls };
}

function relayTo(r: TestReceiver, extra = '') {
  return { kind: 'relay' as const, relay: parseRelayUrl(`smtp://${r.host}:${r.port}${extra}`) };
}

/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('SMTP transport through a relay', () => {
  test('delivers a message and stamps it with its delivery id', async () => {
    const r = await receiver();
    const { t, calls } = transport({ mode: relayTo(r) });
    const j = job('ann@example.test');
    const [o] = await t.deliver([j]);
    assert.equal(o?.deliveryId, j.deliveryId);
    assert.equal(o?.attemptId, j.attemptId);
    assert.equal(o?.phase, 'message');
    assert.match(o?.response ?? '', /^250 2\.0\.0 Ok: queued/);
    assert.equal(o?.destination, '127.0.0.1');
    assert.equal(o?.at, clock.now());
    assert.equal(o?.classification.class, 'success');
    assert.deepEqual(r.seen.messages[0]?.reboundIds, [j.deliveryId]);
    assert.deepEqual(r.seen.messages[0]?.recipients, ['ann@example.test']);
    assert.equal(calls[0]?.phase, 'message');
    // RFC 3461: a bounce comes back with headers only, the delivery id as its Original-Envelope-Id
    // and the address as its Original-Recipient
    assert.deepEqual(r.seen.messages[0]?.dsn, { ret: 'HDRS', envid: j.deliveryId, orcpt: ['rfc822;ann@example.test'] });
  });

  test('five recipients answered five ways get five outcomes, in one transaction when asked', async () => {
    const r = await receiver([
      'recipients:',
      "  b@five.test: '550 5.1.1 <b@five.test>: Recipient address rejected: User unknown'",
      '  c@five.test: 452 4.2.2 Mailbox full',
      '  d@five.test: 451 4.3.2 System not accepting network messages',
      '  e@five.test: 553 5.7.1 Relaying denied',
    ].join('\n'));
    const { t } = transport({ mode: relayTo(r), recipientsPerTransaction: 'many' });
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((x) => job(`${x}@five.test`, { messageId: 'shared-1' }));
    const outcomes = await t.deliver(jobs);
    assert.deepEqual(outcomes.map((o) => o.deliveryId), jobs.map((j) => j.deliveryId));
    assert.deepEqual(outcomes.map((o) => o.phase), ['message', 'rcpt', 'rcpt', 'rcpt', 'rcpt']);
    assert.deepEqual(outcomes.map((o) => o.response.slice(0, 9)), ['250 2.0.0', '550 5.1.1', '452 4.2.2', '451 4.3.2', '553 5.7.1']);
    assert.equal(r.seen.messages.length, 1, 'one DATA for the shared transaction');
    assert.deepEqual(r.seen.messages[0]?.reboundIds, [jobs.map((j) => j.deliveryId).join(' ')]);
    // one ENVID and one ORCPT cannot name five deliveries: only RET is asked for (the one
    // accepted recipient, a@, is the only one the receiver lists)
    assert.deepEqual(r.seen.messages[0]?.dsn, { ret: 'HDRS', envid: null, orcpt: [null] });

    const { t: single } = transport({ mode: relayTo(r) });
    const again = await single.deliver(['a', 'b', 'c', 'd', 'e'].map((x) => job(`${x}@five.test`, { messageId: 'shared-2' })));
    assert.deepEqual(again.map((o) => o.response.slice(0, 3)), ['250', '550', '452', '451', '553']);
  });

  test('logs in over STARTTLS, and a wrong password is an auth failure with the reply', async () => {
    const r = await receiver('{}', { tls: testTls, auth: { user: 'u', pass: 'secret' } });
    // the certificate is checked (against its 127.0.0.1 SAN) with the test CA trusted
    const { t } = transport({ mode: { kind: 'relay', relay: parseRelayUrl(`smtp://u:secret@127.0.0.1:${r.port}`), ca: testTls.cert } });
    const [ok] = await t.deliver([job('x@example.test')]);
    assert.equal(ok?.phase, 'message', ok?.response);
    assert.equal(r.seen.acceptedCount, 1);

    const wrong = transport({ mode: { kind: 'relay', relay: parseRelayUrl(`smtp://u:nope@127.0.0.1:${r.port}`), ca: testTls.cert } });
    const [bad] = await wrong.t.deliver([job('y@example.test')]);
    assert.equal(bad?.phase, 'auth');
    assert.match(bad?.response ?? '', /^535/);
    // our own login at the relay failed, not the recipient: the delivery waits and is retried
    assert.deepEqual([bad?.classification.class, bad?.classification.action, bad?.classification.hardbounce], ['transient', 'retry', false]);
    assert.match(bad?.classification.rule ?? '', /^relay\/session-refused\+/);
  });

  test('speaks TLS from the first byte to an smtps:// relay', async () => {
    const r = await receiver('{}', { tls: testTls, secure: true });
    const { t } = transport({ mode: { kind: 'relay', relay: parseRelayUrl(`smtps://127.0.0.1:${r.port}`), ca: testTls.cert } });
    const [o] = await t.deliver([job('z@example.test')]);
    assert.equal(o?.phase, 'message', o?.response);
  });

  test('a certificate that does not verify is a TLS failure, not a delivery', async () => {
    const r = await receiver('{}', { tls: testTls });
    const { t, calls } = transport({ mode: relayTo(r, '?starttls=require') });
    const [o] = await t.deliver([job('z@example.test')]);
    assert.equal(o?.phase, 'starttls');
    assert.match(o?.response ?? '', /^ETLS/);
    assert.equal(r.seen.rcpt, 0);
    assert.ok(calls[0]?.input instanceof Error);
    assert.equal((calls[0]?.input as Error & { code: string }).code, 'ETLS');
  });

  test('records the reply and the step for a 421 greeting, DATA and after-the-dot deferrals', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['greeting: 421 4.3.2 System not accepting network messages', 'greeting', /^421 4\.3\.2 System not accepting/],
      ['ehlo: 421 4.3.2 Too busy', 'ehlo', /^421 4\.3\.2 Too busy/],
      ['mail: 451 4.3.2 Try later', 'mail', /^451 4\.3\.2/],
      ['data: 451 4.3.2 Not now', 'data', /^451 4\.3\.2 Not now/],
      ['message: 451 4.3.2 Queue full', 'message', /^451 4\.3\.2 Queue full/],
      ['rcpt: "451-4.3.2 first line\\n451 4.3.2 second line"', 'rcpt', /^451-4\.3\.2 first line\n451 4\.3\.2 second line$/],
    ];
    for (const [script, phase, reply] of cases) {
      const r = await receiver(script);
      const { t, calls } = transport({ mode: relayTo(r) });
      const [o] = await t.deliver([job('p@example.test')]);
      assert.equal(o?.phase, phase, script);
      assert.match(o?.response ?? '', reply, script);
      assert.equal(calls[0]?.phase, phase);
      assert.equal(calls[0]?.input, o?.response, 'the classifier gets the full reply');
    }
  });

  test('a refused connection, a dropped one and a stalled server are network failures at their step', async () => {
    const port = await closedPort();
    const { t } = transport({ mode: { kind: 'relay', relay: parseRelayUrl(`smtp://127.0.0.1:${port}`) } });
    const [refused] = await t.deliver([job('n@example.test')]);
    assert.equal(refused?.phase, 'connect');
    assert.match(refused?.response ?? '', /^ECONNREFUSED/);

    const drop = await receiver('mail: drop');
    const [dropped] = await transport({ mode: relayTo(drop) }).t.deliver([job('n@example.test')]);
    assert.equal(dropped?.phase, 'mail');
    assert.match(dropped?.response ?? '', /^ECONNRESET/);

    const stall = await receiver('rcpt: stall');
    const slow = transport({ mode: relayTo(stall), timeouts: { connectMs: 2000, greetingMs: 2000, idleMs: 300 } });
    const [stalled] = await slow.t.deliver([job('n@example.test')]);
    assert.equal(stalled?.phase, 'rcpt');
    assert.match(stalled?.response ?? '', /^ETIMEDOUT/);

    const mute = await receiver('greeting: stall');
    const quiet = transport({ mode: relayTo(mute), timeouts: { connectMs: 2000, greetingMs: 300, idleMs: 2000 } });
    const [noGreeting] = await quiet.t.deliver([job('n@example.test')]);
    assert.equal(noGreeting?.phase, 'greeting');
    assert.match(noGreeting?.response ?? '', /^ETIMEDOUT/);
  });

  test('greylisting defers the first try and accepts the next', async () => {
    const r = await receiver('greylist: true');
    const { t } = transport({ mode: relayTo(r) });
    const j = job('g@example.test');
    const [first] = await t.deliver([j]);
    assert.match(first?.response ?? '', /^451 4\.7\.1/);
    const [second] = await t.deliver([{ ...j, attempt: 2, attemptId: `${j.deliveryId}:2` }]);
    assert.equal(second?.phase, 'message');
    assert.equal(second?.attemptId, `${j.deliveryId}:2`);
  });

  test('pools connections: many messages share a few connections, within the limits', async () => {
    const r = await receiver();
    const policy = policyWith({ default: { concurrency: 2, initialConcurrency: 2, messagesPerConnection: 1000 } });
    const { t } = transport({ mode: relayTo(r), policy });
    const jobs = Array.from({ length: 40 }, (_, i) => job(`p${i}@pool.test`));
    const outcomes = await t.deliver(jobs);
    assert.ok(outcomes.every((o) => o.phase === 'message'));
    assert.equal(r.seen.acceptedCount, 40);
    assert.equal(r.seen.connections, 2);
    await t.deliver([job('later@pool.test')]);
    assert.equal(r.seen.connections, 2, 'an idle connection is reused');

    const r2 = await receiver();
    const short = transport({ mode: relayTo(r2), policy: policyWith({ default: { concurrency: 1, initialConcurrency: 1, messagesPerConnection: 3 } }) });
    await short.t.deliver(Array.from({ length: 10 }, (_, i) => job(`q${i}@pool.test`)));
    assert.equal(r2.seen.acceptedCount, 10);
    assert.equal(r2.seen.connections, 4, 'a connection carries at most 3 messages');
  });

  test('a rejected recipient does not spoil the connection for the next message', async () => {
    const r = await receiver("recipients: { 'bad@x.test': '550 5.1.1 unknown' }");
    const { t } = transport({ mode: relayTo(r), policy: policyWith({ default: { concurrency: 1, initialConcurrency: 1 } }) });
    const outcomes = await t.deliver([job('bad@x.test'), job('good@x.test'), job('bad@x.test'), job('good2@x.test')]);
    assert.deepEqual(outcomes.map((o) => o.response.slice(0, 3)), ['550', '250', '550', '250']);
    assert.equal(r.seen.connections, 1);
  });
});

/** A resolver answering from a table, as DNS would. */
function fakeDns(table: { mx?: Record<string, Array<[number, string]>>; a?: Record<string, string[]>; missing?: string[] }): DnsResolver {
  const fail = (code: string) => Object.assign(new Error(code), { code });
  return {
    resolveMx: async (d) => {
      if (table.missing?.includes(d)) throw fail('ENOTFOUND');
      const mx = table.mx?.[d];
      if (!mx) throw fail('ENODATA');
      return mx.map(([priority, exchange]) => ({ priority, exchange }));
    },
    resolve4: async (h) => {
      const a = table.a?.[h];
      if (!a) throw fail('ENODATA');
      return a;
    },
    resolve6: async () => {
      throw fail('ENODATA');
    },
  };
}

describe('SMTP transport straight to MX hosts', () => {
  test('tries MX hosts in preference order and moves on when one refuses the connection', async () => {
    const backup = await receiver('{}', { host: '127.0.0.3', port: 0 });
    const port = backup.port;
    // 127.0.0.2 has nothing listening on that port; 127.0.0.4 would accept but has the lowest preference
    const last = await receiver('{}', { host: '127.0.0.4', port });
    const resolver = fakeDns({
      mx: { 'mx.test': [[20, 'mx2.mx.test'], [10, 'mx1.mx.test'], [30, 'mx3.mx.test']] },
      a: { 'mx1.mx.test': ['127.0.0.2'], 'mx2.mx.test': ['127.0.0.3'], 'mx3.mx.test': ['127.0.0.4'] },
    });
    const { t } = transport({ mode: { kind: 'direct', resolver, port } });
    const [o] = await t.deliver([job('m@mx.test')]);
    assert.equal(o?.phase, 'message', o?.response);
    assert.equal(o?.destination, 'mx2.mx.test');
    assert.equal(backup.seen.acceptedCount, 1);
    assert.equal(last.seen.connections, 0);
  });

  test('a host answering 421 at the greeting sends the delivery to the next MX', async () => {
    const busy = await receiver('greeting: 421 4.3.2 busy', { host: '127.0.0.5' });
    const spare = await receiver('{}', { host: '127.0.0.6', port: busy.port });
    const resolver = fakeDns({ mx: { 'busy.test': [[10, 'a.busy.test'], [20, 'b.busy.test']] }, a: { 'a.busy.test': ['127.0.0.5'], 'b.busy.test': ['127.0.0.6'] } });
    const [o] = await transport({ mode: { kind: 'direct', resolver, port: busy.port } }).t.deliver([job('x@busy.test')]);
    assert.equal(o?.destination, 'b.busy.test');
    assert.equal(spare.seen.acceptedCount, 1);
  });

  test('when every MX is down the outcome names the last one tried and its failure', async () => {
    const port = await closedPort();
    const resolver = fakeDns({ mx: { 'down.test': [[10, 'a.down.test'], [20, 'b.down.test']] }, a: { 'a.down.test': ['127.0.0.7'], 'b.down.test': ['127.0.0.8'] } });
    const [o] = await transport({ mode: { kind: 'direct', resolver, port } }).t.deliver([job('x@down.test')]);
    assert.equal(o?.phase, 'connect');
    assert.equal(o?.destination, 'b.down.test');
    assert.match(o?.response ?? '', /^ECONNREFUSED/);
  });

  test('with no MX record the domain itself is the mail host', async () => {
    const r = await receiver('{}', { host: '127.0.0.9' });
    const resolver = fakeDns({ a: { 'plain.test': ['127.0.0.9'] } });
    const [o] = await transport({ mode: { kind: 'direct', resolver, port: r.port } }).t.deliver([job('x@plain.test')]);
    assert.equal(o?.phase, 'message');
    assert.equal(o?.destination, 'plain.test');
  });

  test('a null MX fails at once with 556 5.1.10 and no connection', async () => {
    const resolver = fakeDns({ mx: { 'nomail.test': [[0, '']] } });
    const { t, calls } = transport({ mode: { kind: 'direct', resolver, port: 1 } });
    const [o] = await t.deliver([job('x@nomail.test')]);
    assert.equal(o?.destination, null);
    assert.match(o?.response ?? '', /^556 5\.1\.10 .*null MX/);
    assert.equal(calls[0]?.input, o?.response);
  });

  test('a domain that does not exist is a 5.1.2 host-not-found; a failing DNS server is a temporary error', async () => {
    const resolver = fakeDns({ missing: ['gone.test'] });
    const [gone] = await transport({ mode: { kind: 'direct', resolver, port: 1 } }).t.deliver([job('x@gone.test')]);
    assert.match(gone?.response ?? '', /^550 5\.1\.2 gone\.test: Host or domain name not found/);
    assert.equal(gone?.destination, null);
    const broken: DnsResolver = { ...fakeDns({}), resolveMx: async () => { throw Object.assign(new Error('x'), { code: 'ESERVFAIL' }); } };
    const { t, calls } = transport({ mode: { kind: 'direct', resolver: broken, port: 1 } });
    const [servfail] = await t.deliver([job('x@flaky.test')]);
    assert.match(servfail?.response ?? '', /^ESERVFAIL/);
    assert.equal((calls[0]?.input as Error & { code: string }).code, 'ESERVFAIL');
  });
});

describe('SMTP transport with the real classifier', () => {
  test('a deferral, a null MX, a missing domain and a refused connection mean what they should', async () => {
    const down = await receiver('rcpt: 451 4.3.2 System not accepting network messages', { host: '127.0.0.10' });
    // nothing listens on 127.0.0.11: refused.test's MX refuses the connection
    const resolver = fakeDns({
      mx: { 'down.test': [[10, 'mx.down.test']], 'nomail.test': [[0, '.']], 'refused.test': [[10, 'mx.refused.test']] },
      a: { 'mx.down.test': ['127.0.0.10'], 'mx.refused.test': ['127.0.0.11'] },
      missing: ['gone.test'],
    });
    const t = new SmtpTransport({ mode: { kind: 'direct', resolver, port: down.port }, clock, classify, timeouts: { connectMs: 2000, greetingMs: 2000, idleMs: 2000 } });
    cleanup.push(() => t.close());
    const outcomes = await t.deliver([job('a@down.test'), job('b@nomail.test'), job('c@gone.test'), job('d@refused.test')]);
    const seen = outcomes.map((o) => [o.classification.class, o.classification.reason, o.classification.hardbounce, o.phase]);
    assert.deepEqual(seen, [
      ['transient', 'notaccept', false, 'rcpt'],
      ['permanent', 'notaccept', true, 'connect'],
      ['permanent', 'hostunknown', true, 'connect'],
      ['transient', 'networkerror', false, 'connect'],
    ]);
    assert.equal(outcomes[0]?.destination, 'mx.down.test');
    assert.equal(outcomes[3]?.destination, 'mx.refused.test');
  });
});
