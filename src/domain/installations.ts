import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newGuid } from './ids.js';
import { parseStringList } from './json.js';
import type { TeamsAppInstallationTable } from '../store/schema.js';
import type { TeamsAppInstallation } from '../runtime/wire.js';
export type { TeamsAppInstallation };

export interface NewTeamsAppInstallation {
  meetingId: string;
  teamsAppId?: string;
  clientId: string;
  rscPermissions: string[];
}

const RSC_PERMISSION = /^[A-Za-z]+(\.[A-Za-z]+)*\.(Chat|Group)$/;

const toInstallation = (r: TeamsAppInstallationTable): TeamsAppInstallation => ({
  id: r.id,
  tenantId: r.tenant_id,
  meetingId: r.meeting_id,
  teamsAppId: r.teams_app_id,
  clientId: r.client_id,
  rscPermissions: parseStringList(r.rsc_permissions),
});

export async function installTeamsApp(ctx: DomainContext, input: NewTeamsAppInstallation): Promise<TeamsAppInstallation> {
  const meeting = await ctx.db.selectFrom('meetings').select(['id', 'tenant_id']).where('id', '=', input.meetingId).executeTakeFirst();
  if (meeting === undefined) throw new DomainError('notFound', `Meeting '${input.meetingId}' was not found.`);
  const app = await ctx.db.selectFrom('apps').select('client_id').where('client_id', '=', input.clientId.toLowerCase()).executeTakeFirst();
  if (app === undefined) throw new DomainError('notFound', `App '${input.clientId}' was not found.`);
  const bad = input.rscPermissions.find((p) => !RSC_PERMISSION.test(p));
  if (bad !== undefined) throw new DomainError('invalid', `'${bad}' is not a resource-specific consent permission (they end in .Chat or .Group).`);
  // As in Teams, an app is installed in a meeting's chat at most once.
  const installed = await ctx.db.selectFrom('teams_app_installations').select('id').where('meeting_id', '=', input.meetingId).where('client_id', '=', app.client_id).executeTakeFirst();
  if (installed !== undefined) throw new DomainError('conflict', `App '${app.client_id}' is already installed in meeting '${input.meetingId}' (installation '${installed.id}').`);
  const row: TeamsAppInstallationTable = {
    id: newGuid(),
    tenant_id: meeting.tenant_id,
    meeting_id: input.meetingId,
    teams_app_id: input.teamsAppId ?? newGuid(),
    client_id: app.client_id,
    rsc_permissions: JSON.stringify(input.rscPermissions),
    created_at: nowIso(ctx),
  };
  await ctx.db.insertInto('teams_app_installations').values(row).execute();
  return toInstallation(row);
}

export async function listTeamsAppInstallations(ctx: DomainContext, tenantId: string): Promise<TeamsAppInstallation[]> {
  return (await ctx.db.selectFrom('teams_app_installations').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()).map(toInstallation);
}

export async function uninstallTeamsApp(ctx: DomainContext, tenantId: string, id: string): Promise<void> {
  const result = await ctx.db.deleteFrom('teams_app_installations').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new DomainError('notFound', `Installation '${id}' was not found.`);
}

/** The RSC permissions an app holds in one meeting through its installations there. */
export async function rscPermissionsInMeeting(ctx: DomainContext, meetingId: string, clientId: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom('teams_app_installations').select('rsc_permissions').where('meeting_id', '=', meetingId).where('client_id', '=', clientId.toLowerCase()).execute();
  return [...new Set(rows.flatMap((r) => parseStringList(r.rsc_permissions)))];
}

/** The RSC permissions an app holds through every installation of one Teams app in the tenant (subscriptions to a Teams app's meetings). */
export async function rscPermissionsOfTeamsApp(ctx: DomainContext, tenantId: string, teamsAppId: string, clientId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('teams_app_installations')
    .select('rsc_permissions')
    .where('tenant_id', '=', tenantId)
    .where('teams_app_id', '=', teamsAppId)
    .where('client_id', '=', clientId)
    .execute();
  return [...new Set(rows.flatMap((r) => parseStringList(r.rsc_permissions)))];
}
