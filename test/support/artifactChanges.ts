import { randomBytes, randomUUID } from 'node:crypto';
import { ChangePipeline, type Change } from '../../src/domain/changes.js';
import type { DomainContext } from '../../src/domain/context.js';
import type { Emulator } from '../../src/emulator.js';
import { outboxSink } from '../../src/notifications/outbox.js';
import { ResourceLinks } from '../../src/notifications/resourceLinks.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { loadClockState } from '../../src/store/clockState.js';
import { openStore, type Store, type StoreOptions } from '../../src/store/database.js';

/**
 * THE way tests make recordings, transcripts and call records appear until the meeting simulation
 * (issues 3 and 4) lands: each change goes through the real change pipeline (feed + outbox sink) in
 * one transaction, as the domain will emit it. When `POST /_emulator/meetings/{id}/simulate` exists,
 * only `produce` below changes; every notification test goes through it.
 */
export interface ArtifactSpec {
  tenantId: string;
  organizerId: string;
  /** The onlineMeeting id; null (the default) for an ad hoc call. */
  meetingId?: string | null;
  callId?: string;
  id?: string;
  /** When recording/transcription started (default: now on the emulator's clock). */
  createdDateTime?: string;
  changeType?: 'created' | 'updated';
}

export interface Produced {
  id: string;
  resource: Change['resource'];
  /** The resource JSON a rich notification carries (as v1.0 GET serves it). */
  data: Record<string, unknown>;
  /** Wall-clock instant the change was committed (for latency measurements). */
  committedAtMs: number;
}

/** An emulator in this process, or a store another process serves (a CLI child): changes are written to it directly. */
export type ChangeTarget = Emulator | StoreProducer;

export interface StoreProducer {
  readonly ctx: DomainContext;
  close(): Promise<void>;
}

/** Open a store that a CLI child also serves, with the outbox sink on its own pipeline. */
export async function storeProducer(options: StoreOptions): Promise<StoreProducer> {
  const store: Store = await openStore(options);
  const clock = new VirtualClock(await loadClockState(store.db));
  const ctx: DomainContext = { db: store.db, dialect: store.dialect, clock, changes: new ChangePipeline() };
  ctx.changes.register(outboxSink(ctx, new ResourceLinks()));
  return {
    ctx,
    close: async () => {
      clock.close();
      await store.close();
    },
  };
}

const contextOf = (target: ChangeTarget): DomainContext => ('internals' in target ? target.internals.services.ctx : target.ctx);

const newArtifactId = (): string => Buffer.from(`VjIj${randomBytes(36).toString('hex')}`).toString('base64');

function organizer(tenantId: string, userId: string) {
  return { application: null, device: null, user: { userIdentityType: 'aadUser', id: userId, displayName: null, tenantId } };
}

async function produce(target: ChangeTarget, change: Change, data: Record<string, unknown>): Promise<Produced> {
  const ctx = contextOf(target);
  const createdAt = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute((trx) => ctx.changes.emit(trx, change, createdAt, data));
  return { id: change.resourceId, resource: change.resource, data, committedAtMs: Date.now() };
}

function artifactData(kind: 'recording' | 'transcript', spec: ArtifactSpec, id: string, callId: string, createdDateTime: string): Record<string, unknown> {
  const meetingId = spec.meetingId ?? null;
  const base = meetingId === null ? `users/${spec.organizerId}/adhoccalls/${callId}` : `users/${spec.organizerId}/onlineMeetings/${meetingId}`;
  const common = {
    id,
    meetingId,
    callId,
    contentCorrelationId: `${randomUUID()}-0`,
    createdDateTime,
    endDateTime: new Date(Date.parse(createdDateTime) + 30 * 60_000).toISOString(),
    meetingOrganizer: organizer(spec.tenantId, spec.organizerId),
  };
  return kind === 'recording'
    ? { ...common, recordingContentUrl: `${base}/recordings/${id}/content`, content: null }
    : { ...common, transcriptContentUrl: `${base}/transcripts/${id}/content`, content: null, metadataContent: null };
}

async function produceArtifact(kind: 'recording' | 'transcript', target: ChangeTarget, spec: ArtifactSpec): Promise<Produced> {
  const ctx = contextOf(target);
  const id = spec.id ?? newArtifactId();
  const callId = spec.callId ?? randomUUID();
  const createdDateTime = spec.createdDateTime ?? ctx.clock.now().toISOString();
  return produce(
    target,
    { resource: kind, changeType: spec.changeType ?? 'created', tenantId: spec.tenantId, resourceId: id, organizerId: spec.organizerId, meetingId: spec.meetingId ?? null, callId },
    artifactData(kind, spec, id, callId, createdDateTime),
  );
}

export const produceRecording = (target: ChangeTarget, spec: ArtifactSpec): Promise<Produced> => produceArtifact('recording', target, spec);
export const produceTranscript = (target: ChangeTarget, spec: ArtifactSpec): Promise<Produced> => produceArtifact('transcript', target, spec);

/** A call record (basic notifications only), shaped like v1.0 callRecords/callRecord. */
export function produceCallRecord(target: ChangeTarget, spec: ArtifactSpec): Promise<Produced> {
  const ctx = contextOf(target);
  const id = spec.id ?? randomUUID();
  const now = ctx.clock.now().toISOString();
  return produce(
    target,
    {
      resource: 'callRecord',
      changeType: spec.changeType ?? 'created',
      tenantId: spec.tenantId,
      resourceId: id,
      organizerId: spec.organizerId,
      meetingId: spec.meetingId ?? null,
      callId: spec.callId ?? null,
    },
    {
      id,
      version: 1,
      type: 'groupCall',
      modalities: ['audio'],
      lastModifiedDateTime: now,
      startDateTime: now,
      endDateTime: now,
      joinWebUrl: null,
      organizer: organizer(spec.tenantId, spec.organizerId),
      participants: [],
    },
  );
}
