import { statement } from './statement.ts';

export const insertEvent = statement('insert-event', ['at', 'type', 'deliveryId', 'recipient', 'domain', 'data'], `
INSERT INTO events (at, type, delivery_id, recipient, domain, data)
VALUES (@at, @type, @deliveryId, @recipient, @domain, @data)`);

/** The outbox read: everything after a consumer's cursor, in order. */
export const selectEventsAfter = statement('select-events-after', ['afterId', 'limit'], `
SELECT id, at, type, delivery_id, recipient, domain, data FROM events
WHERE id > @afterId ORDER BY id LIMIT @limit`);
