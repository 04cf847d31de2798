import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import type { Transport } from '../../src/engine/transport.ts';
import { loadWebhooksConfig, webhookServices, WebhooksConfigError } from '../../src/server/routes/webhooks-setup.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const sgKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

function withFile(t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-whcfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, text);
  return file;
}

test('a complete webhooks file loads, and its services route ESP messages to the resend hook', async (t) => {
  const file = withFile(t, `
providers:
  sendgrid: { verificationKey: "${sgKey}" }
  mailgun: { signingKey: mailgun-signing-key-0123 }
  postmark: { tokens: [postmark-token-0123456789] }
  ses: { topicArns: ["arn:aws:sns:us-east-1:123456789012:ses-events"] }
endpoints:
  - { url: "https://app.example/events", secret: whsec_0123456789abcdef, types: [delivery.failed, "address.*"] }
resend: { secret: resend-secret-0123456789 }
`);
  const config = loadWebhooksConfig(file);
  assert.deepEqual(config.endpoints[0]!.types, ['delivery.failed', 'address.*']);
  const dir = mkdtempSync(join(tmpdir(), 'rebound-whsvc-'));
  const store = new SqliteStore(join(dir, 'r.db'), { durability: 'normal' });
  t.after(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  const smtp: Transport = { deliver: async () => [], close: async () => {} };
  const services = webhookServices(config, { store, clock: new TestClock(), classifier: createClassifier(), smtp });
  assert.notEqual(services.transport, smtp, 'a resend secret wraps SMTP in the routing transport');
  assert.deepEqual(Object.keys(services.ingest.secrets).filter((k) => services.ingest.secrets[k as 'ses'] !== undefined).sort(), ['mailgun', 'postmark', 'sendgrid', 'ses']);
  assert.equal(webhookServices({ ...config, resend: undefined }, { store, clock: new TestClock(), classifier: createClassifier(), smtp }).transport, smtp);
});

test('a bad webhooks file stops the start with the key that is wrong', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['providers: { hotmail: {} }', /providers: .*hotmail|Unrecognized key/],
    ['providers: { mailgun: { signingKey: short } }', /providers\.mailgun\.signingKey: at least 16/],
    [`providers: { sendgrid: { verificationKey: "${'A'.repeat(60)}" } }`, /providers\.sendgrid\.verificationKey/],
    ['providers: { postmark: {} }', /basic credentials or tokens/],
    ['endpoints: [{ url: "https://a.example/h", secret: whsec_0123456789abcdef, types: [delivery.exploded] }]', /unknown event type/],
    ['resend: { secret: x }', /resend\.secret: at least 16/],
    ['endpoints: [ {', /webhooks\.yaml/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => loadWebhooksConfig(withFile(t, text)), (err: unknown) => err instanceof WebhooksConfigError && expected.test(err.message), text);
  }
});

test('every problem in a webhooks file is reported at once, each with its line', (t) => {
  const text = [
    'providers:',                                  // 1
    '  mailgun:',                                  // 2
    '    signingKey: short',                       // 3
    '  sendgrid:',                                 // 4
    `    verificationKey: "${'A'.repeat(60)}"`,    // 5
    'resend:',                                     // 6
    '  secret: x',                                 // 7
  ].join('\n');
  assert.throws(() => loadWebhooksConfig(withFile(t, text)), (err: unknown) => {
    const message = (err as Error).message;
    return err instanceof WebhooksConfigError
      && /webhooks\.yaml:3:\d+: providers\.mailgun\.signingKey: at least 16/.test(message)
      && /webhooks\.yaml:5:\d+: providers\.sendgrid\.verificationKey/.test(message)
      && /webhooks\.yaml:7:\d+: resend\.secret: at least 16/.test(message);
  });
});
