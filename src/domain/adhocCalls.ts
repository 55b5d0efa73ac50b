import type { DomainContext } from './context.js';
import { parseStringList } from './json.js';
import type { AdhocCallTable } from '../store/schema.js';

/**
 * An ad hoc (1:1 or group) Teams call whose recordings and transcripts Graph serves under
 * `/users/{id}/adhocCalls/{id}/…` for every participant
 * (https://learn.microsoft.com/graph/api/resources/adhoccall?view=graph-rest-beta).
 */
export interface AdhocCall {
  readonly id: string;
  readonly tenantId: string;
  readonly organizerId: string;
  /** The ended call it was. */
  readonly callId: string;
  readonly participantIds: readonly string[];
  readonly createdDateTime: string;
}

function toAdhocCall(r: AdhocCallTable): AdhocCall {
  return { id: r.id, tenantId: r.tenant_id, organizerId: r.organizer_id, callId: r.call_id, participantIds: parseStringList(r.participant_ids), createdDateTime: r.created_at };
}

export async function createAdhocCall(ctx: DomainContext, call: AdhocCall): Promise<AdhocCall> {
  await ctx.db
    .insertInto('adhoc_calls')
    .values({ id: call.id, tenant_id: call.tenantId, organizer_id: call.organizerId, call_id: call.callId, participant_ids: JSON.stringify(call.participantIds), created_at: call.createdDateTime })
    .execute();
  return call;
}

export async function findAdhocCall(ctx: DomainContext, id: string): Promise<AdhocCall | undefined> {
  const row = await ctx.db.selectFrom('adhoc_calls').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toAdhocCall(row);
}

/** The ad hoc call that a (live or ended) call was, if it was one. */
export async function findAdhocCallOfCall(ctx: DomainContext, callId: string): Promise<AdhocCall | undefined> {
  const row = await ctx.db.selectFrom('adhoc_calls').selectAll().where('call_id', '=', callId).executeTakeFirst();
  return row === undefined ? undefined : toAdhocCall(row);
}
