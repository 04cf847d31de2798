import type { Command } from 'commander';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { PostgresTokenStore, SqliteTokenStore, type TokenScope, type TokenStore } from '../../server/token-store.ts';
import { DB_OPTION, openCommandStore } from '../open-db.ts';
import { PostgresStore } from '../../store/postgres/postgres-store.ts';
import { UsageError } from '../usage-error.ts';


async function open(db: string | undefined, create = false): Promise<{ store: TokenStore; close: () => Promise<void> }> {
  // through the store, so a new database gets the whole schema (api_tokens is migration 0005 in both)
  const store = openCommandStore(db, { create });
  const tokens = store instanceof SqliteStore ? new SqliteTokenStore(store.db) : new PostgresTokenStore(store as PostgresStore);
  return { store: tokens, close: () => store.close() };
}

/** `rebound token create|list|revoke`: API tokens, stored as SHA-256 digests. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for rebound serve (stored hashed)');
  token.command('create')
    .description('make a token and print it (the only time it is shown)')
    .option(...DB_OPTION)
    .option('--label <text>', 'what the token is for', 'cli')
    .option('--read-only', 'the token may only read (GET); writes answer 403')
    .action(async (opts: { db?: string; label: string; readOnly?: boolean }) => {
      const { store, close } = await open(opts.db, true);
      try {
        const scope: TokenScope = opts.readOnly ? 'read' : 'full';
        const { token: t, info } = await store.create(opts.label, scope);
        process.stdout.write(`${t}\n`);
        process.stderr.write(`created ${info.id} (${info.scope}, "${info.label}")\n`);
      } finally {
        await close();
      }
    });
  token.command('list')
    .description('tokens by id, label and scope (never the tokens themselves)')
    .option(...DB_OPTION)
    .action(async (opts: { db?: string }) => {
      const { store, close } = await open(opts.db);
      try {
        for (const t of await store.list()) process.stdout.write(`${t.id}  ${t.scope.padEnd(4)}  ${new Date(t.createdAt).toISOString()}  ${t.label}\n`);
      } finally {
        await close();
      }
    });
  token.command('revoke')
    .description('delete a token by its id')
    .argument('<id>', 'token id, as listed')
    .option(...DB_OPTION)
    .action(async (id: string, opts: { db?: string }) => {
      const { store, close } = await open(opts.db);
      try {
        if (!(await store.revoke(id))) throw new UsageError(`no token ${id}`);
        process.stderr.write(`revoked ${id}\n`);
      } finally {
        await close();
      }
    });
}
