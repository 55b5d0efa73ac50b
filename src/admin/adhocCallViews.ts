import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../domain/context.js';
import { toArtifact } from '../domain/artifacts.js';
import { parseStringList } from '../domain/json.js';
import { findTenant } from '../domain/tenants.js';
import { DomainError } from '../runtime/errors.js';
import type { ControlPage } from '../runtime/wire.js';
import { artifactSchema, artifactView } from './dashboardRoutes.js';
import { errorSchema, tenantParams } from './schemas.js';

/**
 * The Meetings page's ad hoc calls (src/ui/adhocCalls.ts): a tenant's 1:1 and group calls without a
 * meeting, newest first, each with the recordings and transcripts Graph serves under
 * /users/{organizerId}/adhocCalls/{id} (https://learn.microsoft.com/graph/api/resources/adhoccall?view=graph-rest-beta),
 * in the shape GET /_emulator/meetings/{id}/artifacts gives them (content through the control API).
 */

export interface AdhocCallView {
  id: string;
  organizerId: string;
  callId: string;
  participantIds: string[];
  createdDateTime: string;
  recordings: Array<Record<string, unknown>>;
  transcripts: Array<Record<string, unknown>>;
}

/** More artifacts than a simulated call makes; a page never reads an unbounded set. */
const ARTIFACTS_PER_CALL = 100;

export async function pageAdhocCalls(ctx: DomainContext, tenantId: string, skip: number, top: number): Promise<ControlPage<AdhocCallView>> {
  const tenant = await findTenant(ctx, tenantId);
  if (tenant === undefined) throw new DomainError('notFound', `Tenant '${tenantId}' was not found.`);
  const rows = await ctx.db
    .selectFrom('adhoc_calls')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(skip)
    .limit(top + 1)
    .execute();
  const page = rows.slice(0, top);
  // Capped per call (not per page), so one call with many artifacts cannot crowd the others out.
  // The window runs over the page's calls' artifacts only (index artifacts_adhoc); a simulated call has a few.
  const artifacts =
    page.length === 0
      ? []
      : await ctx.db
          .selectFrom((db) =>
            db
              .selectFrom('artifacts')
              .selectAll()
              .select((eb) =>
                eb.fn
                  .agg<number>('row_number')
                  .over((over) => over.partitionBy('adhoc_call_id').orderBy('feed_seq'))
                  .as('nth'),
              )
              .where(
                'adhoc_call_id',
                'in',
                page.map((r) => r.id),
              )
              .as('a'),
          )
          .selectAll()
          .where('nth', '<=', ARTIFACTS_PER_CALL)
          .orderBy('feed_seq')
          .execute();
  const value = page.map((r): AdhocCallView => {
    const own = artifacts.filter((a) => a.adhoc_call_id === r.id).map(toArtifact);
    return {
      id: r.id,
      organizerId: r.organizer_id,
      callId: r.call_id,
      participantIds: parseStringList(r.participant_ids),
      createdDateTime: r.created_at,
      recordings: own.filter((a) => a.kind === 'recording').map(artifactView),
      transcripts: own.filter((a) => a.kind === 'transcript').map(artifactView),
    };
  });
  return { value, more: rows.length > top };
}

const str = { type: 'string' } as const;

const adhocCallSchema = {
  type: 'object',
  properties: {
    id: str,
    organizerId: str,
    callId: { ...str, description: 'The ended call (communications/calls) it was.' },
    participantIds: { type: 'array', items: str, description: 'The users in the call, the organizer included.' },
    createdDateTime: str,
    recordings: { type: 'array', items: artifactSchema },
    transcripts: { type: 'array', items: artifactSchema },
  },
} as const;

type Paging = { skip: number; top: number };

export function registerAdhocCallViewRoutes(app: FastifyInstance, ctx: DomainContext): void {
  app.get<{ Params: { tenantId: string }; Querystring: Paging }>(
    '/_emulator/tenants/:tenantId/adhocCalls',
    {
      schema: {
        tags: ['control'],
        description: "The tenant's ad hoc calls, newest first, each with its recordings and transcripts (control-API content URLs, no Graph token needed).",
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            skip: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
            top: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        },
        response: {
          200: { type: 'object', properties: { value: { type: 'array', items: adhocCallSchema }, more: { type: 'boolean', description: 'More follow (ask with a larger skip).' } } },
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => pageAdhocCalls(ctx, request.params.tenantId, request.query.skip, request.query.top),
  );
}
