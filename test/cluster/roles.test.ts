import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { DEFAULTS, loadServeConfig, type ServeConfig } from '../../src/server/config.ts';
import { startServer } from '../../src/server/server.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import type { Classification } from '../../src/classify/types.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';

const skip = await postgresAvailability();
const ok: Classification = { basic: 250, enhanced: '2.0.0', class: 'success', type: 'undetermined', reason: 'delivered', hardbounce: false, retryable: false, action: 'none', recipient: null, rule: 'builtin/success', text: 'OK' };

/** A transport that accepts everything and tells the test each time it is used. */
function recordingTransport(onJobs: (jobs: DeliveryJob[]) => void): Transport {
  return {
    async deliver(jobs) {
      onJobs(jobs);
      return jobs.map((j): AttemptOutcome => ({ deliveryId: j.deliveryId, attemptId: j.attemptId, at: Date.now(), destination: 'mx.test', phase: 'data', response: '250 OK', classification: ok, durationMs: 0 }));
    },
    async close() {},
  };
}

test('--role accepts api, worker and all (default all) and refuses anything else', () => {
  assert.equal(loadServeConfig({}, {}).role, 'all');
  assert.equal(loadServeConfig({ role: 'worker' }, {}).role, 'worker');
  assert.equal(loadServeConfig({}, { REBOUND_ROLE: 'api' }).role, 'api');
  assert.throws(() => loadServeConfig({ role: 'leader' }, {}));
});

describe('API and worker nodes on one PostgreSQL database', { skip: skip ?? false }, () => {
  test('an API node takes a submission and never delivers; a worker node serves no HTTP and delivers it', async (t) => {
    const schema = newSchemaName('rebound_roles');
    t.after(() => dropSchema(schema));
    const base: ServeConfig = { ...DEFAULTS, db: `${PG_URL}?schema=${schema}`, port: 0, smtpPort: 0, apiTokens: ['role-test-token-0123456789'], logLevel: 'silent' };
    let apiDelivered = 0;
    const api = await startServer({ ...base, role: 'api' }, { logger: pino({ level: 'silent' }), transport: recordingTransport((j) => { apiDelivered += j.length; }) });
    t.after(() => api.close());
    let delivered!: (ids: string[]) => void;
    const deliveredByWorker = new Promise<string[]>((resolve) => { delivered = resolve; });
    const worker = await startServer({ ...base, role: 'worker', healthPort: 0 }, { logger: pino({ level: 'silent' }), transport: recordingTransport((j) => delivered(j.map((x) => x.deliveryId))) });
    t.after(() => worker.close());
    assert.ok(api.httpPort > 0 && api.smtpPort > 0, 'the API node listens');
    assert.deepEqual([worker.httpPort, worker.smtpPort], [0, 0], 'the worker node does not');
    // except, when asked, for its probes: /healthz and nothing else
    assert.equal(api.healthPort, null);
    const probe = `http://127.0.0.1:${worker.healthPort}`;
    assert.deepEqual(await (await fetch(`${probe}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${probe}/v1/messages/x`, { headers: { authorization: 'Bearer role-test-token-0123456789' } })).status, 404);

    const r = await api.engine.submit({ from: 'a@sender.test', raw: 'Subject: x\r\n\r\nhi\r\n' }, ['someone@example.test']);
    // The submission NOTIFYs the worker; no wall-clock wait in the test.
    assert.deepEqual(await deliveredByWorker, [r.deliveries[0]!.id]);
    assert.equal(apiDelivered, 0, 'the API node delivered nothing');
  });
});
