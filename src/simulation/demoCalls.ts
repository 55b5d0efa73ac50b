import { findCallRecord } from '../domain/callRecords.js';
import { findCall } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { createCallRecordForCall, withinRetention } from './callRecords.js';

/**
 * The demo tenant's call record: the finished weekly-sync call's record, full and realistic. Made
 * on every start when missing (stores older than migration 004 lack it) unless its 30 days are over.
 * The live demo call is owned by the demo app, so the demo app may update its recording status.
 */
export async function ensureDemoCallRecord(ctx: DomainContext, ids: { tenantId: string; finishedCallId: string; callRecordId: string }): Promise<void> {
  if ((await findCallRecord(ctx, ids.tenantId, ids.callRecordId)) !== undefined) return;
  const call = await findCall(ctx, ids.finishedCallId);
  if (call === undefined || call.endedDateTime === null || !withinRetention(ctx, call.endedDateTime)) return;
  try {
    await createCallRecordForCall(ctx, { call, sessionCount: 6, modalities: ['audio', 'video', 'screenSharing'] });
  } catch (err) {
    // Another instance on the same database made it first (a conflict, or a key violation when the
    // two inserts race), or it expired and awaits the sweep.
    if (err instanceof DomainError && err.kind === 'conflict') return;
    if ((await findCallRecord(ctx, ids.tenantId, ids.callRecordId)) !== undefined) return;
    throw err;
  }
}
