import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newClientSecret, newGuid } from './ids.js';
import { parseStringList } from './json.js';
import type { AppTable } from '../store/schema.js';
import type { App } from '../runtime/wire.js';
export type { App };

export interface NewApp {
  clientId?: string;
  tenantId: string;
  displayName: string;
  servicePrincipalId?: string;
  clientSecret?: string;
  applicationPermissions?: string[];
  delegatedPermissions?: string[];
  redirectUris?: string[];
  isFallbackPublicClient?: boolean;
}

const toApp = (r: AppTable): App => ({
  clientId: r.client_id,
  tenantId: r.tenant_id,
  displayName: r.display_name,
  servicePrincipalId: r.service_principal_id,
  clientSecrets: parseStringList(r.client_secrets),
  applicationPermissions: parseStringList(r.application_permissions),
  delegatedPermissions: parseStringList(r.delegated_permissions),
  redirectUris: parseStringList(r.redirect_uris),
  isFallbackPublicClient: r.is_fallback_public_client === 1,
});

export async function createApp(ctx: DomainContext, input: NewApp): Promise<App> {
  const tenant = await ctx.db.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst();
  if (tenant === undefined) throw new DomainError('notFound', `Tenant '${input.tenantId}' was not found.`);
  const clientId = (input.clientId ?? newGuid()).toLowerCase();
  const clash = await ctx.db.selectFrom('apps').select('client_id').where('client_id', '=', clientId).executeTakeFirst();
  if (clash !== undefined) throw new DomainError('conflict', `An app with client id '${clientId}' already exists.`);
  const row: AppTable = {
    client_id: clientId,
    tenant_id: input.tenantId,
    display_name: input.displayName,
    service_principal_id: input.servicePrincipalId ?? newGuid(),
    client_secrets: JSON.stringify([input.clientSecret ?? newClientSecret()]),
    application_permissions: JSON.stringify(input.applicationPermissions ?? []),
    delegated_permissions: JSON.stringify(input.delegatedPermissions ?? []),
    redirect_uris: JSON.stringify(input.redirectUris ?? ['http://localhost']),
    created_at: nowIso(ctx),
    is_fallback_public_client: input.isFallbackPublicClient === true ? 1 : 0,
  };
  await ctx.db.insertInto('apps').values(row).execute();
  return toApp(row);
}

export async function findApp(ctx: DomainContext, clientId: string): Promise<App | undefined> {
  const row = await ctx.db.selectFrom('apps').selectAll().where('client_id', '=', clientId.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : toApp(row);
}

export async function listApps(ctx: DomainContext, tenantId: string): Promise<App[]> {
  return (await ctx.db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).orderBy('display_name').orderBy('client_id').execute()).map(toApp);
}

export interface AppChanges {
  applicationPermissions?: string[];
  delegatedPermissions?: string[];
  redirectUris?: string[];
  displayName?: string;
  isFallbackPublicClient?: boolean;
}

/** Granting or revoking consent is how a test takes a permission away from a running app. */
export async function updateApp(ctx: DomainContext, clientId: string, changes: AppChanges): Promise<App> {
  const values: Partial<AppTable> = {};
  if (changes.applicationPermissions !== undefined) values.application_permissions = JSON.stringify(changes.applicationPermissions);
  if (changes.delegatedPermissions !== undefined) values.delegated_permissions = JSON.stringify(changes.delegatedPermissions);
  if (changes.redirectUris !== undefined) values.redirect_uris = JSON.stringify(changes.redirectUris);
  if (changes.displayName !== undefined) values.display_name = changes.displayName;
  if (changes.isFallbackPublicClient !== undefined) values.is_fallback_public_client = changes.isFallbackPublicClient ? 1 : 0;
  if (Object.keys(values).length > 0) await ctx.db.updateTable('apps').set(values).where('client_id', '=', clientId.toLowerCase()).execute();
  const app = await findApp(ctx, clientId);
  if (app === undefined) throw new DomainError('notFound', `App '${clientId}' was not found.`);
  return app;
}

/** Its Teams app installations go with it: their consent was the app's. */
export async function deleteApp(ctx: DomainContext, clientId: string): Promise<void> {
  const id = clientId.toLowerCase();
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('apps').where('client_id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DomainError('notFound', `App '${clientId}' was not found.`);
    await trx.deleteFrom('teams_app_installations').where('client_id', '=', id).execute();
  });
}
