import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { newGuid } from './ids.js';
import type { CallTable } from '../store/schema.js';

export type CallState = 'establishing' | 'established' | 'terminated';

export interface Call {
  id: string;
  tenantId: string;
  meetingId: string | null;
  clientId: string | null;
  state: CallState;
  /** For a finished call, also the id of its call record (Graph: callRecord.id = call.callChainId). */
  callChainId: string;
  startedDateTime: string;
  endedDateTime: string | null;
}

const toCall = (r: CallTable): Call => ({
  id: r.id,
  tenantId: r.tenant_id,
  meetingId: r.meeting_id,
  clientId: r.client_id,
  state: r.state === 'terminated' ? 'terminated' : r.state === 'establishing' ? 'establishing' : 'established',
  callChainId: r.call_chain_id,
  startedDateTime: r.started_at,
  endedDateTime: r.ended_at,
});

export interface NewCall {
  id?: string;
  callChainId?: string;
  tenantId: string;
  meetingId?: string | null;
  clientId?: string | null;
  state?: CallState;
  startedDateTime?: string;
  endedDateTime?: string | null;
}

export async function createCall(ctx: DomainContext, input: NewCall): Promise<Call> {
  const row: CallTable = {
    id: input.id ?? newGuid(),
    tenant_id: input.tenantId,
    meeting_id: input.meetingId ?? null,
    client_id: input.clientId?.toLowerCase() ?? null,
    state: input.state ?? 'established',
    call_chain_id: input.callChainId ?? newGuid(),
    started_at: input.startedDateTime ?? nowIso(ctx),
    ended_at: input.endedDateTime ?? null,
  };
  await ctx.db.insertInto('calls').values(row).execute();
  return toCall(row);
}

export async function findCall(ctx: DomainContext, id: string): Promise<Call | undefined> {
  const row = await ctx.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toCall(row);
}
