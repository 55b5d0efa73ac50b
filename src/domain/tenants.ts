import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newGuid } from './ids.js';
import type { Tenant } from '../runtime/wire.js';
export type { Tenant };

export interface NewTenant {
  id?: string;
  displayName: string;
  domain?: string;
}

const toTenant = (r: { id: string; display_name: string; domain: string; created_at: string }): Tenant => ({
  id: r.id,
  displayName: r.display_name,
  domain: r.domain,
  createdDateTime: r.created_at,
});

export async function createTenant(ctx: DomainContext, input: NewTenant): Promise<Tenant> {
  const id = (input.id ?? newGuid()).toLowerCase();
  const domain = (input.domain ?? `${input.displayName.replace(/[^A-Za-z0-9]/g, '').toLowerCase() || 'tenant'}${id.slice(0, 4)}.onmicrosoft.com`).toLowerCase();
  const existing = await ctx.db
    .selectFrom('tenants')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', id), eb('domain', '=', domain)]))
    .executeTakeFirst();
  if (existing !== undefined) throw new DomainError('conflict', `A tenant with id '${id}' or domain '${domain}' already exists.`);
  const row = { id, display_name: input.displayName, domain, created_at: nowIso(ctx) };
  await ctx.db.insertInto('tenants').values(row).execute();
  return toTenant(row);
}

/** Look a tenant up by id or by domain name, as the identity platform's `{tenant}` path segment allows. */
export async function findTenant(ctx: DomainContext, idOrDomain: string): Promise<Tenant | undefined> {
  const key = idOrDomain.toLowerCase();
  const row = await ctx.db
    .selectFrom('tenants')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', key), eb('domain', '=', key)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

export async function listTenants(ctx: DomainContext): Promise<Tenant[]> {
  return (await ctx.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute()).map(toTenant);
}

export async function deleteTenant(ctx: DomainContext, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('tenants').where('id', '=', id.toLowerCase()).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new DomainError('notFound', `Tenant '${id}' was not found.`);
}
