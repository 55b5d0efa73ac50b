import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Tables emptied by a reset, children before parents. Signing keys survive a reset so tokens that
 * clients already hold keep verifying (their tenant must still exist, as the demo tenant does).
 */
export const RESETTABLE_TABLES = [
  'auth_codes',
  'access_policy_grants',
  'access_policies',
  'teams_app_installations',
  'calls',
  'meetings',
  'apps',
  'users',
  'tenants',
  'settings',
] as const satisfies ReadonlyArray<keyof Database>;

export async function emptyStore(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of RESETTABLE_TABLES) await trx.deleteFrom(table).execute();
  });
}
