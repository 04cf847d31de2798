import { statement } from './statement.ts';

export const insertMessage = statement('insert-message', ['id', 'from', 'raw', 'originalMessageId', 'tag', 'createdAt'], `
INSERT INTO messages (id, mail_from, raw, original_message_id, tag, created_at)
VALUES (@id, @from, @raw, @originalMessageId, @tag, @createdAt)`);

export const selectMessage = statement('select-message', ['id'], `
SELECT id, mail_from, raw, original_message_id, tag, created_at FROM messages WHERE id = @id`);

/**
 * A tag's messages, and its deliveries' spam reports: a complaint is recorded once per delivery
 * under the attempt id `<delivery>#complaint:spam` (src/engine/engine.ts), one primary-key probe each.
 */
export const selectTagMessages = statement('select-tag-messages', ['tag'], `
SELECT COUNT(*) AS messages, MIN(created_at) AS first_at, MAX(created_at) AS last_at,
  (SELECT COUNT(*) FROM messages m JOIN deliveries d ON d.message_id = m.id JOIN attempts a ON a.id = d.id || '#complaint:spam'
   WHERE m.tag = @tag) AS complaints
FROM messages WHERE tag = @tag`);

/** A tag's deliveries by status and last reason; a refusal at submission (suppressed, cooling off) apart. */
export const selectTagDeliveries = statement('select-tag-deliveries', ['tag'], `
SELECT d.status, d.last_reason AS reason,
  CASE WHEN d.rule LIKE 'address/%' THEN d.rule ELSE NULL END AS refused_at_submission, COUNT(*) AS n
FROM messages m JOIN deliveries d ON d.message_id = m.id
WHERE m.tag = @tag
GROUP BY d.status, d.last_reason, CASE WHEN d.rule LIKE 'address/%' THEN d.rule ELSE NULL END`);

export const selectTags = statement('select-tags', ['limit'], `
SELECT tag, COUNT(*) AS messages, MIN(created_at) AS first_at, MAX(created_at) AS last_at FROM messages
WHERE tag IS NOT NULL GROUP BY tag ORDER BY MAX(created_at) DESC, tag LIMIT @limit`);
