import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';

/**
 * Remove a meeting with what hangs off it (Teams app installations, calls). It lives here until
 * domain/meetings.ts offers a delete of its own.
 */
export async function deleteMeeting(ctx: DomainContext, tenantId: string, meetingId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('meetings').where('tenant_id', '=', tenantId).where('id', '=', meetingId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DomainError('notFound', `Meeting '${meetingId}' was not found in tenant '${tenantId}'.`);
    await trx.deleteFrom('teams_app_installations').where('meeting_id', '=', meetingId).execute();
    await trx.deleteFrom('calls').where('meeting_id', '=', meetingId).execute();
  });
}
