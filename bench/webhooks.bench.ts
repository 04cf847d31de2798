// Webhook ingest speed: how many ESP events per second Rebound normalizes (JSON parse, field
// reading, reply rebuilt, real classifier, verdict combined), and how many requests per second each
// signature check verifies. Bodies are built from the test fixtures' shapes with varied replies.
// Prints a markdown section on stdout; progress on stderr.
import { createHmac, generateKeyPairSync, sign as signWithKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classify } from '../src/classify/index.ts';
import {
  MemoryReplayStore, normalizeWebhook, signatureHeader, SnsCertCache, snsStringToSign, verify,
  verifyMailgunSignature, verifySendGridSignature, verifySnsMessage,
} from '../src/webhooks/index.ts';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
const VERIFY = Number(process.env.BENCH_WEBHOOK_VERIFY ?? 2_000);
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const opts = { classify: (t: string) => classify(t), now: () => NOW };

const REPLIES = [
  '451 4.3.2 System not accepting network messages',
  '550 5.1.1 The email account that you tried to reach does not exist.',
  '452 4.2.2 The email account that you tried to reach is over quota.',
  '421 4.7.0 Try again later, closing connection.',
  '554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org',
  '250 2.0.0 OK queued',
];

function sendGridBatch(n: number): string {
  const events = [];
  for (let i = 0; i < n; i++) {
    const reply = REPLIES[i % REPLIES.length]!;
    const event = reply.startsWith('250') ? 'delivered' : reply.startsWith('4') ? 'deferred' : 'bounce';
    events.push({
      email: `user${i}@example${i % 97}.org`, timestamp: 1767603600 + i, 'smtp-id': `<m${i}@ismtpd>`, event,
      sg_event_id: `ev-${i}`, sg_message_id: `msg-${i}.filter0001`, [event === 'bounce' ? 'reason' : 'response']: `${reply} (${i})`,
      ...(event === 'bounce' ? { type: 'bounce', status: reply.slice(4, 9) } : {}), rebound_delivery_id: `dlv_${i}`,
    });
  }
  return JSON.stringify(events);
}

function sparkPostBatch(n: number): string {
  const out = [];
  for (let i = 0; i < n; i++) {
    const reply = REPLIES[i % REPLIES.length]!;
    const type = reply.startsWith('250') ? 'delivery' : reply.startsWith('4') ? 'delay' : 'bounce';
    out.push({ msys: { message_event: { type, event_id: `${9e15 + i}`, rcpt_to: `user${i}@example.org`, timestamp: '1767603600', message_id: `m${i}`, bounce_class: type === 'bounce' ? '10' : '21', raw_reason: reply, error_code: reply.slice(0, 3) } } });
  }
  return JSON.stringify(out);
}

function rate(label: string, n: number, fn: () => void): { label: string; n: number; perSecond: number } {
  fn(); // warm-up on the same input
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return { label, n, perSecond: n / (ms / 1000) };
}

async function rateAsync(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return { label, n, perSecond: n / ((performance.now() - t0) / 1000) };
}

async function main() {
  process.stderr.write(`normalizing ${EVENTS} events per provider\n`);
  const sg = sendGridBatch(EVENTS);
  const sp = sparkPostBatch(EVENTS);
  const ingest = [
    rate(`SendGrid batch of ${EVENTS} (${(sg.length / 1e6).toFixed(1)} MB)`, EVENTS, () => normalizeWebhook('sendgrid', sg, opts)),
    rate(`SparkPost batch of ${EVENTS} (${(sp.length / 1e6).toFixed(1)} MB)`, EVENTS, () => normalizeWebhook('sparkpost', sp, opts)),
  ];

  process.stderr.write(`verifying ${VERIFY} signatures per scheme\n`);
  const body = sendGridBatch(10);
  // SendGrid: ECDSA P-256
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ts = String(NOW / 1000);
  const sgSig = signWithKey('sha256', Buffer.from(ts + body), ec.privateKey).toString('base64');
  const sgKey = ec.publicKey;
  // Mailgun: HMAC with a fresh token per request (the replay store is part of the cost)
  const mgKey = 'key-bench';
  const mgStore = new MemoryReplayStore();
  const mgSigs = Array.from({ length: VERIFY + 50 }, (_, i) => {
    const token = `token-${i.toString().padStart(40, '0')}`;
    return { timestamp: ts, token, signature: createHmac('sha256', mgKey).update(ts + token).digest('hex') };
  });
  // SNS: RSA-2048 SignatureVersion 2 with a cached certificate
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'rebound-bench-'));
  writeFileSync(join(dir, 'k.pem'), rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certPem = execFileSync('openssl', ['req', '-x509', '-key', join(dir, 'k.pem'), '-subj', '/CN=sns.amazonaws.com', '-days', '30'], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const certUrl = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-bench.pem';
  const snsNow = Date.now();
  const snsMsg: Record<string, string> = { Type: 'Notification', MessageId: 'm', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: body, Timestamp: new Date(snsNow).toISOString(), SignatureVersion: '2', SigningCertURL: certUrl };
  snsMsg.Signature = signWithKey('sha256', Buffer.from(snsStringToSign(snsMsg)!), rsa.privateKey).toString('base64');
  const certs = new SnsCertCache({ fetch: async () => certPem, now: () => snsNow });
  const outHeader = signatureHeader('whsec_bench', NOW / 1000, body);

  const verifyRates = [
    await rateAsync('SNS (RSA-2048, SHA-256, cached certificate)', VERIFY, () => verifySnsMessage(snsMsg, { certs, now: () => snsNow })),
    await rateAsync('SendGrid (ECDSA P-256)', VERIFY, async () => verifySendGridSignature(body, { signature: sgSig, timestamp: ts }, { publicKey: sgKey, now: () => NOW })),
    await rateAsync('Mailgun (HMAC-SHA256 + replay store)', VERIFY, (i) => verifyMailgunSignature(mgSigs[i]!, { signingKey: mgKey, now: () => NOW, replay: mgStore })),
    await rateAsync('Rebound-Signature verify (HMAC-SHA256)', VERIFY, async () => verify(outHeader, body, 'whsec_bench', { now: () => NOW })),
  ];

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    '## Webhooks',
    '',
    'ESP events normalized per second (one process, real classifier, JSON parse included):',
    '',
    '| body | events | events/s |',
    '| --- | ---: | ---: |',
    ...ingest.map((r) => `| ${r.label} | ${r.n} | ${fmt(r.perSecond)} |`),
    '',
    `Signature checks per second (${VERIFY} in a row, one core):`,
    '',
    '| scheme | checks/s |',
    '| --- | ---: |',
    ...verifyRates.map((r) => `| ${r.label} | ${fmt(r.perSecond)} |`),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
