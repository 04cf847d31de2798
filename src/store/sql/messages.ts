import { statement } from './statement.ts';

export const insertMessage = statement('insert-message', ['id', 'from', 'raw', 'originalMessageId', 'createdAt'], `
INSERT INTO messages (id, mail_from, raw, original_message_id, created_at)
VALUES (@id, @from, @raw, @originalMessageId, @createdAt)`);

export const selectMessage = statement('select-message', ['id'], `
SELECT id, mail_from, raw, original_message_id, created_at FROM messages WHERE id = @id`);
