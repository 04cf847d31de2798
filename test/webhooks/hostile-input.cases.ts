import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeWebhook, PROVIDERS, readPayload, WebhookPayloadError } from '../../src/webhooks/index.ts';
import type { ProviderName, WebhookResult } from '../../src/webhooks/index.ts';
import { fixture, options } from './helpers/fixtures.ts';

// The bodies of hostile-input.test.ts, run in a worker thread under a deadline (test/support/deadline.ts).

const FIXTURES: Record<ProviderName, string[]> = {
  ses: ['ses/bounce-permanent.json', 'ses/delivery-delay.json', 'ses/subscription-confirmation.json'],
  sendgrid: ['sendgrid/batch.json'],
  mailgun: ['mailgun/failed-temporary.json', 'mailgun/delivered.json'],
  postmark: ['postmark/bounce-hard.json', 'postmark/delivery.json'],
  sparkpost: ['sparkpost/batch.json'],
};
const opts = options();

/** Either a clear payload error or well-formed results: nothing else may come out. */
function normalizesOrRefuses(provider: ProviderName, raw: string | Uint8Array): WebhookResult[] | null {
  try {
    const b = normalizeWebhook(provider, raw, opts);
    for (const r of b.results) {
      assert.ok(['event', 'unknown', 'ignored', 'control'].includes(r.kind));
      if (r.kind === 'event') {
        assert.equal(typeof r.event.recipient, 'string');
        assert.ok(r.event.eventId);
        assert.ok(r.event.response.length <= 4100);
      }
    }
    return b.results;
  } catch (err) {
    assert.ok(err instanceof WebhookPayloadError, `unexpected ${(err as Error)?.name}: ${(err as Error)?.message}`);
    assert.match(err.message, new RegExp(`^${provider} webhook: `));
    return null;
  }
}

export function arbitraryJson(): void {
  for (const provider of PROVIDERS) {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
      normalizesOrRefuses(provider, JSON.stringify(v) ?? 'null');
    }), { numRuns: 300 });
  }
}

export function arbitraryFieldValues(): void {
  const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.constant(null), fc.integer(), fc.double());
  const events = {
    sendgrid: fc.record({ event: fc.constantFrom('deferred', 'bounce', 'dropped', 'delivered', 'spamreport', 'open'), email: junk, sg_event_id: junk, response: junk, reason: junk, status: junk, type: junk, timestamp: junk, bounce_classification: junk }).map((e) => [e]),
    sparkpost: fc.record({ type: fc.constantFrom('delay', 'bounce', 'out_of_band', 'delivery'), rcpt_to: junk, event_id: junk, bounce_class: junk, raw_reason: junk, error_code: junk, timestamp: junk, rcpt_meta: junk }).map((e) => [{ msys: { message_event: e } }]),
    mailgun: fc.record({ event: fc.constantFrom('failed', 'delivered', 'rejected', 'complained'), severity: junk, recipient: junk, id: junk, timestamp: junk, 'delivery-status': junk, 'user-variables': junk, message: junk }).map((d) => ({ 'event-data': d })),
    postmark: fc.record({ RecordType: fc.constantFrom('Bounce', 'Delivery', 'SpamComplaint'), Type: junk, ID: junk, Email: junk, Recipient: junk, Details: junk, Metadata: junk, BouncedAt: junk }),
    ses: fc.record({ notificationType: fc.constantFrom('Bounce', 'Delivery', 'DeliveryDelay', 'Complaint', 'Reject'), bounce: junk, delivery: junk, deliveryDelay: junk, complaint: junk, mail: junk })
      .map((m) => ({ Type: 'Notification', MessageId: 'm', Message: JSON.stringify(m) })),
  } as const;
  for (const provider of PROVIDERS) {
    fc.assert(fc.property(events[provider] as fc.Arbitrary<unknown>, (payload) => {
      normalizesOrRefuses(provider, JSON.stringify(payload));
    }), { numRuns: 300 });
  }
}

export function fixturePrefixes(): void {
  for (const provider of PROVIDERS) {
    for (const path of FIXTURES[provider]) {
      const raw = fixture(path);
      for (let cut = 0; cut < raw.length; cut += Math.max(1, Math.floor(raw.length / 200))) normalizesOrRefuses(provider, raw.slice(0, cut));
    }
  }
}

export function bytesEmptyAndNonJson(): void {
  for (const provider of PROVIDERS) {
    assert.throws(() => normalizeWebhook(provider, '', opts), /empty body/);
    assert.throws(() => normalizeWebhook(provider, '<xml/>', opts), /not JSON/);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      normalizesOrRefuses(provider, bytes);
    }), { numRuns: 100 });
  }
}

export function oversizedBody(): void {
  const big = `[${'{"event":"open"},'.repeat(1000)}{"event":"open"}]`;
  assert.throws(() => normalizeWebhook('sendgrid', big, { ...opts, limits: { maxBytes: 1000, maxEvents: 10 } }), /over the 1000-byte limit/);
  assert.throws(() => normalizeWebhook('sendgrid', big, { ...opts, limits: { maxBytes: 1e6, maxEvents: 10 } }), /over the 10-event limit/);
}

export function deeplyNestedJson(): void {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  for (const provider of PROVIDERS) normalizesOrRefuses(provider, deep);
  const deepInField = JSON.stringify([{ event: 'bounce', email: 'a@example.com', sg_event_id: 'd', reason: 'x' }]).replace('"x"', '['.repeat(50_000) + ']'.repeat(50_000));
  normalizesOrRefuses('sendgrid', deepInField);
}

export function hugeReplyText(): void {
  const reason = `550 5.1.1 ${'user unknown '.repeat(400_000)}`;
  const results = normalizesOrRefuses('sendgrid', JSON.stringify([{ event: 'bounce', email: 'a@example.com', sg_event_id: 'h', reason, type: 'bounce' }]))!;
  const e = results[0]!;
  assert.equal(e.kind, 'event');
  if (e.kind !== 'event') return;
  assert.ok(e.event.response.length <= 4000);
  assert.equal(e.event.classification.reason, 'userunknown');
}

export function hostileKeys(): void {
  const raw = '[{"event":"bounce","email":"a@example.com","sg_event_id":"p","__proto__":{"polluted":true,"rebound_delivery_id":"evil"},"constructor":{"prototype":{"x":1}}}]';
  const results = normalizesOrRefuses('sendgrid', raw)!;
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(results[0]!.kind === 'event' && results[0]!.event.deliveryId, null);
  const pm = normalizesOrRefuses('postmark', '{"RecordType":"__proto__"}')!;
  assert.equal(pm[0]!.kind, 'unknown');
  const sp = normalizesOrRefuses('sparkpost', '[{"msys":{"message_event":{"type":"__proto__","rcpt_to":"a@example.com"}}}]')!;
  assert.equal(sp[0]!.kind, 'unknown');
}

export function bigIntegers(): void {
  const v = readPayload('postmark', '{"ID":4323372036854775807,"s":"12345678901234567890","f":1767603660.123456,"n":-12345678901234567}') as Record<string, unknown>;
  assert.deepEqual(v, { ID: '4323372036854775807', s: '12345678901234567890', f: 1767603660.123456, n: '-12345678901234567' });
}
