import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebhooksConfig } from '../../src/server/routes/webhooks-setup.ts';
import { makeSnsSigner } from '../webhooks/helpers/sns-signer.ts';
import { startTestServer } from './helpers.ts';

test('a pinned SNS certificate (providers.ses.certificates) is used without fetching it: a signed SES bounce is taken in through serve', async (t) => {
  const signer = makeSnsSigner();
  const dir = mkdtempSync(join(tmpdir(), 'rebound-ses-pinned-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-pinned.pem';
  writeFileSync(join(dir, 'sns.pem'), signer.certPem);
  writeFileSync(join(dir, 'webhooks.yaml'), `providers:\n  ses:\n    certificates:\n      "${url}": sns.pem\n`);
  const s = await startTestServer(t, { webhooks: join(dir, 'webhooks.yaml') });
  const envelope = JSON.parse(readFileSync(new URL('../fixtures/webhooks/ses/bounce-permanent.json', import.meta.url), 'utf8')) as Record<string, string>;
  const signed = signer.sign({ ...envelope, Timestamp: new Date(Date.now() - 1000).toISOString(), SigningCertURL: url });
  const res = await s.server.app.inject({ method: 'POST', url: '/v1/webhooks/ses', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(signed) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().applied, 1);
  assert.equal((await s.server.engine.getAddress('jane@example.org'))?.status, 'suppressed');
  // a pin must name an SNS certificate URL, and its file must be a certificate
  writeFileSync(join(dir, 'bad.yaml'), 'providers:\n  ses:\n    certificates:\n      "https://evil.example/c.pem": sns.pem\n      "https://sns.eu-west-1.amazonaws.com/x.pem": missing.pem\n');
  assert.throws(() => loadWebhooksConfig(join(dir, 'bad.yaml')), /an SNS certificate URL/);
  writeFileSync(join(dir, 'bad2.yaml'), 'providers:\n  ses:\n    certificates:\n      "https://sns.eu-west-1.amazonaws.com/x.pem": missing.pem\n');
  assert.throws(() => loadWebhooksConfig(join(dir, 'bad2.yaml')), /bad2\.yaml:4:\d+: providers\.ses\.certificates.*ENOENT \(missing\.pem\)/);
});
