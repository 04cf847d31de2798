/**
 * Why a command other than `rebound serve` will not upgrade a database: migrations are one-way,
 * and a report or a backup taken with a newly installed binary must not be the thing that
 * leaves no way back (nor change a database an older server is still running on).
 */
export function upgradeRefused(current: number, wanted: number): string {
  return `the database is at schema ${current} and this Rebound uses schema ${wanted}; only rebound serve upgrades it, and the upgrade is one-way: `
    + 'back it up first (rebound backup copies a SQLite file of any schema; pg_dump for PostgreSQL), stop every node, then start rebound serve (docs/http-api.md#upgrading)';
}
