import { excerpt } from '../runtime/excerpt.js';
import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newGuid } from './ids.js';
import type { UserTable } from '../store/schema.js';
import type { User } from '../runtime/wire.js';
export type { User };

export interface NewUser {
  id?: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  jobTitle?: string | null;
  password?: string;
}

const toUser = (r: UserTable): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  userPrincipalName: r.user_principal_name,
  displayName: r.display_name,
  givenName: r.given_name,
  surname: r.surname,
  mail: r.mail,
  jobTitle: r.job_title,
  password: r.password,
});

export async function createUser(ctx: DomainContext, input: NewUser): Promise<User> {
  const tenant = await ctx.db.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst();
  if (tenant === undefined) throw new DomainError('notFound', `Tenant '${input.tenantId}' was not found.`);
  const upn = input.userPrincipalName.toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(upn)) throw new DomainError('invalid', `'${excerpt(input.userPrincipalName)}' is not a valid userPrincipalName.`);
  // Graph object ids are GUIDs, compared case-insensitively: keep them lower-case as findUser expects.
  const id = (input.id ?? newGuid()).toLowerCase();
  const clash = await ctx.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', id), eb('user_principal_name', '=', upn)]))
    .executeTakeFirst();
  if (clash !== undefined) throw new DomainError('conflict', `A user with id '${id}' or userPrincipalName '${upn}' already exists.`);
  const row: UserTable = {
    id,
    tenant_id: input.tenantId,
    user_principal_name: upn,
    display_name: input.displayName,
    given_name: input.givenName ?? null,
    surname: input.surname ?? null,
    mail: input.mail ?? upn,
    job_title: input.jobTitle ?? null,
    password: input.password ?? 'Passw0rd!',
    created_at: nowIso(ctx),
  };
  await ctx.db.insertInto('users').values(row).execute();
  return toUser(row);
}

/** By object id or userPrincipalName (case-insensitive), within a tenant. */
export async function findUser(ctx: DomainContext, tenantId: string, idOrUpn: string): Promise<User | undefined> {
  const key = idOrUpn.toLowerCase();
  const row = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', key), eb('user_principal_name', '=', key)]))
    .executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

export async function findUserByUpn(ctx: DomainContext, upn: string): Promise<User | undefined> {
  const row = await ctx.db.selectFrom('users').selectAll().where('user_principal_name', '=', upn.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

export async function listUsers(ctx: DomainContext, tenantId: string): Promise<User[]> {
  return (await ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('display_name').orderBy('id').execute()).map(toUser);
}

export async function deleteUser(ctx: DomainContext, tenantId: string, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id.toLowerCase()).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new DomainError('notFound', `User '${id}' was not found.`);
}
