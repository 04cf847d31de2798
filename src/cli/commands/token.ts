import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { TokenStore, type TokenScope } from '../../server/token-store.ts';
import { UsageError } from '../usage-error.ts';

const DEFAULT_DB = './data/rebound.db';

function open(db: string | undefined): { store: TokenStore; close: () => void } {
  const path = (db ?? process.env.REBOUND_DB ?? DEFAULT_DB).replace(/^sqlite:/, '');
  if (/^postgres/.test(path)) throw new UsageError('stored tokens live in the SQLite file; with PostgreSQL use REBOUND_API_TOKEN');
  mkdirSync(dirname(path), { recursive: true });
  // through the store, so a new file gets the whole schema (api_tokens is its migration 0005)
  const sqlite = new SqliteStore(path);
  return { store: new TokenStore(sqlite.db), close: () => void sqlite.close() };
}

/** `rebound token create|list|revoke`: API tokens, stored as SHA-256 digests. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for rebound serve (stored hashed)');
  token.command('create')
    .description('make a token and print it (the only time it is shown)')
    .option('--db <path>', `SQLite database (default $REBOUND_DB, else ${DEFAULT_DB})`)
    .option('--label <text>', 'what the token is for', 'cli')
    .option('--read-only', 'the token may only read (GET); writes answer 403')
    .action((opts: { db?: string; label: string; readOnly?: boolean }) => {
      const { store, close } = open(opts.db);
      try {
        const scope: TokenScope = opts.readOnly ? 'read' : 'full';
        const { token: t, info } = store.create(opts.label, scope);
        process.stdout.write(`${t}\n`);
        process.stderr.write(`created ${info.id} (${info.scope}, "${info.label}")\n`);
      } finally {
        close();
      }
    });
  token.command('list')
    .description('tokens by id, label and scope (never the tokens themselves)')
    .option('--db <path>', `SQLite database (default $REBOUND_DB, else ${DEFAULT_DB})`)
    .action((opts: { db?: string }) => {
      const { store, close } = open(opts.db);
      try {
        for (const t of store.list()) process.stdout.write(`${t.id}  ${t.scope.padEnd(4)}  ${new Date(t.createdAt).toISOString()}  ${t.label}\n`);
      } finally {
        close();
      }
    });
  token.command('revoke')
    .description('delete a token by its id')
    .argument('<id>', 'token id, as listed')
    .option('--db <path>', `SQLite database (default $REBOUND_DB, else ${DEFAULT_DB})`)
    .action((id: string, opts: { db?: string }) => {
      const { store, close } = open(opts.db);
      try {
        if (!store.revoke(id)) throw new UsageError(`no token ${id}`);
        process.stderr.write(`revoked ${id}\n`);
      } finally {
        close();
      }
    });
}
