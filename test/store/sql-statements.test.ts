import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as deliveries from '../../src/store/sql/deliveries.ts';
import * as messages from '../../src/store/sql/messages.ts';
import * as attempts from '../../src/store/sql/attempts.ts';
import * as addresses from '../../src/store/sql/addresses.ts';
import * as destinations from '../../src/store/sql/destinations.ts';
import * as events from '../../src/store/sql/events.ts';
import { namedParams, toNumbered, type Statement } from '../../src/store/sql/statement.ts';

const isStatement = (v: unknown): v is Statement => typeof v === 'object' && v !== null && typeof (v as Statement).sql === 'string' && Array.isArray((v as Statement).params);
/** Every combination of the delivery-list filters, both orders, with and without a cursor. */
const filters = Object.keys(deliveries.DELIVERY_FILTERS) as deliveries.DeliveryFilter[];
const lists = Array.from({ length: 1 << filters.length }, (_, mask) => filters.filter((_, i) => mask & (1 << i)))
  .flatMap((used) => [true, false].flatMap((newest) => [true, false].map((after) => deliveries.selectDeliveriesWhere(used, newest, after, used.includes('status') ? 'failed' : undefined))));
const all: Statement[] = [...[deliveries, messages, attempts, addresses, destinations, events].flatMap((m) => Object.values(m).filter(isStatement)), ...lists];

test('every statement declares exactly the parameters its SQL uses', () => {
  assert.ok(all.length >= 20);
  for (const s of all) assert.deepEqual([...namedParams(s.sql)].sort(), [...s.params].sort(), s.name);
});

test('statement names are unique', () => {
  assert.equal(new Set(all.map((s) => s.name)).size, all.length);
});

test('no statement uses SQLite-only syntax a PostgreSQL store could not run', () => {
  for (const s of all) assert.doesNotMatch(s.sql, /\b(INSERT OR|REPLACE INTO|AUTOINCREMENT|PRAGMA|GLOB|IFNULL)\b|\?/i, s.name);
});

test('the PostgreSQL form numbers parameters in declared order and repeats a number for a repeated name', () => {
  const { text, values } = toNumbered(deliveries.claimDueDeliveries, { worker: 'w', lockedUntil: 9, now: 5, limit: 10 });
  assert.match(text, /locked_by = \$1, locked_until = \$2/);
  assert.equal(text.match(/\$3/g)!.length, 2);
  assert.deepEqual(values, ['w', 9, 5, 10]);
});
