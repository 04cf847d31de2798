import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { TestClock } from '../../src/engine/clock.ts';
import { DAY_MS } from '../../src/store/retention.ts';
import { RETENTION_FIRST_RUN_MS } from '../../src/server/retention-loop.ts';
import { eventually, startTestServer } from './helpers.ts';

test('serve with retentionDays prunes finished deliveries once they are older than that, on the engine clock', async (t) => {
  const runs: Array<{ deliveries: number; messages: number }> = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { event?: string; deliveries: number; messages: number };
        if (entry.event === 'retention.pruned') runs.push(entry);
      }
      done();
    },
  });
  const clock = new TestClock(Date.now());
  const { server } = await startTestServer(t, { retentionDays: 30 }, { clock, logger: pino({ level: 'info' }, logs) });
  const sent = await server.engine.submit({ from: 'news@sender.example', raw: 'Subject: a\r\n\r\na\r\n' }, ['jane@example.org']);
  const id = sent.deliveries[0]!.id;
  await eventually('the delivery to be made', async () => ((await server.store.getDelivery(id))?.status === 'delivered' ? true : null));
  const afterRun = (n: number) => eventually(`retention run ${n}`, async () => runs[n - 1] ?? null);

  // the first run, a minute after the start; then hourly
  clock.advance(RETENTION_FIRST_RUN_MS);
  assert.equal((await afterRun(1)).deliveries, 0);
  clock.advance(29 * DAY_MS);
  assert.equal((await afterRun(2)).deliveries, 0, 'kept while younger than 30 days');
  assert.ok(await server.store.getDelivery(id));
  clock.advance(DAY_MS + 3_600_000);
  assert.deepEqual(await afterRun(3), { ...runs[2], deliveries: 1, messages: 1 });
  assert.equal(await server.store.getDelivery(id), null);
  assert.equal(await server.store.getMessage(sent.messageId), null);
});
