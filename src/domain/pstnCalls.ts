import type { DomainContext } from './context.js';
import { parseObject } from './json.js';

/**
 * PSTN (Calling Plan) and Direct Routing call log rows, as getPstnCalls / getDirectRoutingCalls
 * return them (microsoft.graph.callRecords.pstnCallLogRow / directRoutingLogRow). Stored as the
 * Graph JSON; the simulation makes them.
 */
export type PstnKind = 'pstn' | 'directRouting';

export async function insertPstnCalls(ctx: DomainContext, tenantId: string, kind: PstnKind, rows: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await ctx.db
      .insertInto('pstn_calls')
      .values(
        rows.slice(i, i + 200).map((row) => ({
          id: String(row['id']),
          tenant_id: tenantId,
          kind,
          start_date_time: new Date(String(row['startDateTime'])).toISOString(),
          body: JSON.stringify(row),
        })),
      )
      .execute();
  }
}

/** Rows that started in [from, to), oldest first, from `offset`; one extra row tells whether more follow. */
export async function listPstnCalls(
  ctx: DomainContext,
  tenantId: string,
  kind: PstnKind,
  from: string,
  to: string,
  offset: number,
  limit: number,
): Promise<{ items: Array<Record<string, unknown>>; total: number; more: boolean }> {
  const base = ctx.db.selectFrom('pstn_calls').where('tenant_id', '=', tenantId).where('kind', '=', kind).where('start_date_time', '>=', from).where('start_date_time', '<', to);
  const rows = await base
    .select('body')
    .orderBy('start_date_time')
    .orderBy('id')
    .offset(offset)
    .limit(limit + 1)
    .execute();
  const count = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return { items: rows.slice(0, limit).map((r) => parseObject(r.body)), total: Number(count?.n ?? 0), more: rows.length > limit };
}
