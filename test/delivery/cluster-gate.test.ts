import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HealthGate, healthStoreFor } from '../../src/delivery/health/index.ts';
import type { GateDecision } from '../../src/engine/destination-gate.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';
import { policyWith } from './helpers/policy.ts';
import { MIN, outcome } from './helpers/outcomes.ts';

const skip = await postgresAvailability();
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const DOWN = '451 4.3.2 System not accepting network messages';

/**
 * Two nodes: two PostgresStore pools on one schema, each with the HealthGate `rebound serve`
 * builds on PostgreSQL (shared row re-read every second, slots in destination_slots).
 */
async function twoNodes(t: { after: (fn: () => Promise<void>) => void }, destinations: Record<string, unknown>) {
  const schema = newSchemaName();
  const stores = [new PostgresStore(PG_URL, { schema }), new PostgresStore(PG_URL, { schema })];
  t.after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(schema);
  });
  await stores[0]!.countDeliveries(); // migrate once before both use it
  const policy = policyWith(destinations);
  const gates = stores.map((store, i) => new HealthGate({
    policy, store: healthStoreFor(store), refreshMs: 1000, slots: { store, holder: `node-${i}`, leaseMs: 5 * MIN },
  }));
  return { gates: gates as [HealthGate, HealthGate], stores };
}

describe('destination limits across nodes on PostgreSQL', { skip: skip ?? false }, () => {
  test('the per-destination concurrency limit counts both nodes, and a release frees a slot for either', async (t) => {
    const { gates: [a, b] } = await twoNodes(t, { default: { concurrency: 3, initialConcurrency: 3 } });
    const decisions: GateDecision[] = [];
    for (let i = 0; i < 8; i++) decisions.push(await (i % 2 ? b : a).admit('example.test', T0));
    const admitted = decisions.filter((d): d is Extract<GateDecision, { admit: true }> => d.admit);
    assert.equal(admitted.length, 3, 'three in flight across the cluster, not three per node');
    const held = decisions.find((d) => !d.admit) as Extract<GateDecision, { admit: false }>;
    assert.match(held.why, /across the cluster/);
    assert.ok(held.until > T0, 'a held delivery is told when to come back');

    admitted[0]!.release();
    await new Promise((r) => setImmediate(r));
    let again: GateDecision = { admit: false, until: 0, why: '' };
    // the release is a write of its own; the next admission sees it once it has landed
    for (let i = 0; i < 50 && !again.admit; i++) {
      again = await b.admit('example.test', T0 + 1);
      if (!again.admit) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(again.admit, true, 'the freed slot goes to the other node');
    assert.equal((await a.admit('example.test', T0 + 2)).admit, false, 'and the cluster is full again');
  });

  test('slots of a node that died come back when their lease ends', async (t) => {
    const { gates: [a, b] } = await twoNodes(t, { default: { concurrency: 2, initialConcurrency: 2 } });
    assert.equal((await a.admit('example.test', T0)).admit, true);
    assert.equal((await a.admit('example.test', T0)).admit, true);
    // node a is never heard from again: no release
    assert.equal((await b.admit('example.test', T0 + MIN)).admit, false);
    assert.equal((await b.admit('example.test', T0 + 5 * MIN + 1)).admit, true, 'the lease ended');
  });

  test('a destination suspended by one node is held by the other within the refresh interval', async (t) => {
    const { gates: [a, b], stores } = await twoNodes(t, { default: { concurrency: 10, initialConcurrency: 10 }, suspend: { after: 2, initial: '5m' } });
    const first = await b.admit('example.test', T0);
    assert.equal(first.admit, true, 'node b knows the destination as open');
    if (first.admit) first.release();

    for (let i = 0; i < 2; i++) {
      const d = await a.admit('example.test', T0 + i);
      assert.equal(d.admit, true);
      await a.observe('example.test', outcome(T0 + i, DOWN));
      if (d.admit) d.release();
    }
    const row = await stores[0]!.getDestination('example.test');
    assert.equal(row?.health, 'suspended');

    const later = await b.admit('example.test', T0 + 1500);
    assert.equal(later.admit, false, 'node b re-read the shared row');
    assert.match((later as { why: string }).why, /suspended/);
    assert.equal((later as { until: number }).until, row!.suspendedUntil);
  });

  test('failures on both nodes add to one count: the fifth between them suspends, once, and no node writes "open" over it', async (t) => {
    const events: string[] = [];
    const { gates: [a, b], stores } = await twoNodes(t, { default: { concurrency: 10, initialConcurrency: 10 }, suspend: { after: 5, initial: '5m' } });
    const at = (i: number) => T0 + i;
    for (const [gate, i] of [[a, 0], [b, 1], [a, 2], [b, 3]] as const) {
      const d = await gate.admit('example.test', at(i));
      await gate.observe('example.test', outcome(at(i), DOWN));
      if (d.admit) d.release();
    }
    assert.equal((await stores[0]!.getDestination('example.test'))!.health, 'open', 'four between them: still open');
    await b.observe('example.test', outcome(at(4), DOWN));
    // a's failure of a delivery it had under way finds the suspension in the row and takes it
    await a.observe('example.test', outcome(at(5), DOWN));
    const row = (await stores[1]!.getDestination('example.test'))!;
    assert.equal(row.health, 'suspended', 'neither node wrote open over it');
    for (const e of await stores[0]!.listEvents(0, 100)) events.push(e.type);
    assert.deepEqual(events.filter((t) => t === 'destination.suspended'), ['destination.suspended'], 'one incident, one event');
    assert.equal((await a.admit('example.test', at(6))).admit, false);
    assert.equal((await b.admit('example.test', at(6))).admit, false);
  });
});
