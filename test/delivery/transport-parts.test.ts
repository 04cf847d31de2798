import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RelayUrlError, parseRelayUrl } from '../../src/delivery/transport/relay-url.ts';
import { stampReboundId } from '../../src/delivery/transport/stamp-header.ts';
import { resolveRoute, type DnsResolver } from '../../src/delivery/transport/mx-route.ts';
import { DELIVERY_TIMINGS, limitsFor } from '../../src/delivery/limits.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { policyWith } from './helpers/policy.ts';

describe('relay URLs', () => {
  test('smtp:// with credentials requires STARTTLS; smtps:// is TLS from the first byte', () => {
    const r = parseRelayUrl('smtp://user%40x:p%3Ass@relay.example.com:2525');
    assert.equal(r.host, 'relay.example.com');
    assert.equal(r.port, 2525);
    assert.equal(r.secure, false);
    assert.equal(r.starttls, 'require');
    assert.deepEqual(r.auth, { user: 'user@x', pass: 'p:ss' });
    assert.equal(r.display, 'smtp://user%40x:****@relay.example.com:2525');
    const s = parseRelayUrl('smtps://relay.example.com');
    assert.equal(s.port, 465);
    assert.equal(s.secure, true);
    assert.equal(parseRelayUrl('smtp://relay.example.com').port, 587);
    assert.equal(parseRelayUrl('smtp://relay.example.com').starttls, 'may');
    assert.equal(parseRelayUrl('smtp://u:p@relay.example.com?starttls=never').starttls, 'never');
    assert.equal(parseRelayUrl('smtp://relay.example.com?verify=false&name=out.example.com').verifyCertificate, false);
    assert.equal(parseRelayUrl('smtp://[::1]:25').host, '::1');
  });

  test('refuses other schemes, unknown options and bad values, naming them', () => {
    assert.throws(() => parseRelayUrl('http://x'), /scheme must be smtp or smtps/);
    assert.throws(() => parseRelayUrl('smtp://x?tls=1'), /unknown relay URL option "tls"/);
    // a URL that does not parse is echoed without its password
    assert.throws(() => parseRelayUrl('smtp://u:PassInEnv999@h:notaport'), (err: Error) => /not a relay URL/.test(err.message) && !err.message.includes('PassInEnv999') && err.message.includes('u:****@'));
    assert.throws(() => parseRelayUrl('smtp://x?starttls=sometimes'), /starttls must be/);
    assert.throws(() => parseRelayUrl('smtps://x?starttls=may'), /does not apply/);
    assert.throws(() => parseRelayUrl('not a url'), RelayUrlError);
  });

  test('arbitrary text is a RelayUrlError or a usable target, never a crash', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.webUrl().map((u) => u.replace(/^https?/, 'smtp'))), (s) => {
      try {
        const r = parseRelayUrl(s);
        assert.ok(r.host.length > 0 && r.port > 0);
      } catch (err) {
        assert.ok(err instanceof RelayUrlError, String(err));
      }
    }), { numRuns: 500 });
  });
});

describe('the X-Rebound-ID stamp', () => {
  test('goes first, and replaces the one a resent message still carries, folded lines included', () => {
    const raw = Buffer.from('Subject: a\r\nX-Rebound-ID: old-1\r\n  old-continued\r\nFrom: b\r\n\r\nX-Rebound-ID: in the body stays\r\n');
    const out = stampReboundId(raw, ['new-1']).toString();
    assert.equal(out, 'X-Rebound-ID: new-1\r\nSubject: a\r\nFrom: b\r\n\r\nX-Rebound-ID: in the body stays\r\n');
  });

  test('keeps bare-LF messages bare-LF and lists several ids', () => {
    const out = stampReboundId(Buffer.from('Subject: a\n\nbody\n'), ['d-1', 'd-2']).toString();
    assert.equal(out, 'X-Rebound-ID: d-1 d-2\nSubject: a\n\nbody\n');
  });

  test('strips characters that could break the header out of an id', () => {
    const out = stampReboundId(Buffer.from('Subject: a\r\n\r\n'), ['d-1\r\nBcc: evil@x']).toString();
    assert.equal(out.split('\r\n')[0], 'X-Rebound-ID: d-1Bcc:evil@x');
    assert.equal(out.split('\r\n').length, 4);
  });

  test('never loses a byte of the message', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const raw = Buffer.from(bytes);
      const out = stampReboundId(raw, ['x']);
      if (!/x-rebound-id:/i.test(raw.toString('latin1'))) {
        const stamp = out.subarray(0, out.length - raw.length);
        assert.match(stamp.toString('latin1'), /^X-Rebound-ID: x\r?\n$/);
        assert.ok(out.subarray(stamp.length).equals(raw), 'the message follows the stamp unchanged');
      }
    }), { numRuns: 300 });
  });
});

function dns(records: {
  mx?: Record<string, Array<[number, string]> | string>;
  a?: Record<string, string[] | string>;
  aaaa?: Record<string, string[]>;
}): DnsResolver {
  const answer = <T>(table: Record<string, T | string> | undefined, key: string): T => {
    const v = table?.[key];
    if (v === undefined) throw Object.assign(new Error('no data'), { code: 'ENODATA' });
    if (typeof v === 'string') throw Object.assign(new Error(v), { code: v });
    return v;
  };
  return {
    resolveMx: async (d) => answer(records.mx, d).map(([priority, exchange]) => ({ priority, exchange })),
    resolve4: async (h) => answer(records.a, h),
    resolve6: async (h) => answer(records.aaaa, h),
  };
}

describe('MX routing', () => {
  test('orders hosts by preference, IPv4 before IPv6, and caps the addresses tried', async () => {
    const route = await resolveRoute('x.test', dns({
      mx: { 'x.test': [[20, 'b.x.test.'], [10, 'a.x.test.']] },
      a: { 'a.x.test': ['192.0.2.1', '192.0.2.2'], 'b.x.test': ['192.0.2.3'] },
      aaaa: { 'a.x.test': ['2001:db8::1'] },
    }), { maxAddresses: 3 });
    assert.equal(route.kind, 'hosts');
    if (route.kind !== 'hosts') return;
    assert.deepEqual(route.hosts.map((h) => `${h.name} ${h.address}`), ['a.x.test 192.0.2.1', 'a.x.test 192.0.2.2', 'a.x.test 2001:db8::1']);
  });

  test('shuffles hosts of equal preference', async () => {
    const resolver = dns({ mx: { 'x.test': [[10, 'a.x.test'], [10, 'b.x.test']] }, a: { 'a.x.test': ['192.0.2.1'], 'b.x.test': ['192.0.2.2'] } });
    const values = [0.9, 0.1];
    const first = await resolveRoute('x.test', resolver, { random: () => values.shift()! });
    assert.ok(first.kind === 'hosts' && first.hosts[0]?.name === 'b.x.test');
  });

  test('recognizes a null MX, even written with a trailing dot', async () => {
    assert.deepEqual(await resolveRoute('n.test', dns({ mx: { 'n.test': [[0, '.']] } })), { kind: 'null-mx' });
  });

  test('an MX naming hosts without addresses is temporary; a missing domain is permanent', async () => {
    const dangling = await resolveRoute('d.test', dns({ mx: { 'd.test': [[10, 'nowhere.d.test']] }, a: { 'nowhere.d.test': 'ENOTFOUND' } }));
    assert.ok(dangling.kind === 'unroutable' && !dangling.permanent);
    const missing = await resolveRoute('m.test', dns({ mx: { 'm.test': 'ENOTFOUND' } }));
    assert.ok(missing.kind === 'unroutable' && missing.permanent && missing.code === 'ENOTFOUND');
    const noAddress = await resolveRoute('e.test', dns({}));
    assert.ok(noAddress.kind === 'unroutable' && noAddress.permanent);
    const timeout = await resolveRoute('t.test', dns({ mx: { 't.test': 'ETIMEOUT' } }));
    assert.ok(timeout.kind === 'unroutable' && !timeout.permanent && timeout.code === 'ETIMEOUT');
  });
});

describe('destination limits from the policy', () => {
  test('the built-in policy: Postfix concurrency (20, starting at 5), KumoMTA messages per connection, no rate', () => {
    const l = limitsFor(defaultPolicy(), 'example.com');
    assert.equal(l.connections, 20);
    assert.equal(l.initialConnections, 5);
    assert.equal(l.messagesPerConnection, 1024);
    assert.equal(l.messagesPerMinute, null);
    assert.deepEqual(l.suspension, { after: 5, initialMs: 300_000, factor: 2, maxMs: 4_000_000, probes: 1, probeWaitMs: DELIVERY_TIMINGS.probeWaitMs });
  });

  test('a domain entry (exact, or *.parent) overrides the default section', () => {
    const policy = policyWith({
      default: { messagesPerMinute: 300 },
      domains: { 'example.com': { concurrency: 3, initialConcurrency: 2 }, '*.corp.test': { messagesPerMinute: 10 } },
      suspend: { after: 1, initial: '10m' },
    });
    assert.equal(limitsFor(policy, 'other.test').messagesPerMinute, 300);
    assert.equal(limitsFor(policy, 'Example.COM').connections, 3);
    assert.equal(limitsFor(policy, 'example.com').initialConnections, 2);
    assert.equal(limitsFor(policy, 'mail.corp.test').messagesPerMinute, 10);
    assert.equal(limitsFor(policy, 'x.test').suspension.initialMs, 600_000);
    assert.equal(limitsFor(policy, 'x.test').suspension.after, 1);
  });
});
