import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newGuid } from './ids.js';
import { parseStringList } from './json.js';
import type { AccessPolicyTable } from '../store/schema.js';
import type { AccessPolicy } from '../runtime/wire.js';
export type { AccessPolicy };

/**
 * Teams application access policies (New-/Grant-CsApplicationAccessPolicy): a user granted a policy
 * is governed by it; a user with no policy of their own falls under the tenant's global policy.
 */

export interface NewAccessPolicy {
  tenantId: string;
  name: string;
  appIds: string[];
  description?: string | null;
  global?: boolean;
  userIds?: string[];
}

async function withGrants(ctx: DomainContext, rows: AccessPolicyTable[]): Promise<AccessPolicy[]> {
  if (rows.length === 0) return [];
  const grants = await ctx.db
    .selectFrom('access_policy_grants')
    .selectAll()
    .where(
      'policy_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    appIds: parseStringList(r.app_ids),
    description: r.description,
    global: r.is_global === 1,
    userIds: grants
      .filter((g) => g.policy_id === r.id)
      .map((g) => g.user_id)
      .sort(),
  }));
}

export async function createAccessPolicy(ctx: DomainContext, input: NewAccessPolicy): Promise<AccessPolicy> {
  if (input.name.trim() === '') throw new DomainError('invalid', 'An access policy needs a name.');
  const id = newGuid();
  await ctx.db.transaction().execute(async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst();
    if (tenant === undefined) throw new DomainError('notFound', `Tenant '${input.tenantId}' was not found.`);
    const clash = await trx.selectFrom('access_policies').select('id').where('tenant_id', '=', input.tenantId).where('name', '=', input.name).executeTakeFirst();
    if (clash !== undefined) throw new DomainError('conflict', `An access policy named '${input.name}' already exists.`);
    if (input.global === true) {
      // One global policy per tenant, as Grant-CsApplicationAccessPolicy -Global replaces the previous one.
      await trx.updateTable('access_policies').set({ is_global: 0 }).where('tenant_id', '=', input.tenantId).execute();
    }
    await trx
      .insertInto('access_policies')
      .values({
        id,
        tenant_id: input.tenantId,
        name: input.name,
        app_ids: JSON.stringify(input.appIds.map((a) => a.toLowerCase())),
        description: input.description ?? null,
        is_global: input.global === true ? 1 : 0,
        created_at: nowIso(ctx),
      })
      .execute();
    for (const userId of input.userIds ?? []) {
      const user = await trx.selectFrom('users').select('id').where('tenant_id', '=', input.tenantId).where('id', '=', userId).executeTakeFirst();
      if (user === undefined) throw new DomainError('notFound', `User '${userId}' was not found in tenant '${input.tenantId}'.`);
      // A user holds one policy at a time: granting replaces the previous grant.
      await trx.deleteFrom('access_policy_grants').where('tenant_id', '=', input.tenantId).where('user_id', '=', userId).execute();
      await trx.insertInto('access_policy_grants').values({ tenant_id: input.tenantId, user_id: userId, policy_id: id }).execute();
    }
  });
  const [policy] = await withGrants(ctx, await ctx.db.selectFrom('access_policies').selectAll().where('id', '=', id).execute());
  return policy!;
}

export async function listAccessPolicies(ctx: DomainContext, tenantId: string): Promise<AccessPolicy[]> {
  return withGrants(ctx, await ctx.db.selectFrom('access_policies').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute());
}

export async function deleteAccessPolicy(ctx: DomainContext, tenantId: string, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('access_policies').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new DomainError('notFound', `Access policy '${id}' was not found.`);
}

/** May this app act on this user's meetings and artifacts with application permissions? */
export async function isAppAllowedForUser(ctx: DomainContext, tenantId: string, clientId: string, userId: string): Promise<boolean> {
  const granted = await ctx.db
    .selectFrom('access_policy_grants')
    .innerJoin('access_policies', 'access_policies.id', 'access_policy_grants.policy_id')
    .select('access_policies.app_ids')
    .where('access_policy_grants.tenant_id', '=', tenantId)
    .where('access_policy_grants.user_id', '=', userId)
    .executeTakeFirst();
  const policy = granted ?? (await ctx.db.selectFrom('access_policies').select('app_ids').where('tenant_id', '=', tenantId).where('is_global', '=', 1).executeTakeFirst());
  return policy !== undefined && parseStringList(policy.app_ids).includes(clientId.toLowerCase());
}
