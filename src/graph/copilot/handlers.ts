import type { FastifyReply, FastifyRequest } from 'fastify';
import { insightsFromCues, parseCues } from '../../domain/aiInsights.js';
import { pageArtifacts, type Artifact } from '../../domain/artifacts.js';
import type { Meeting } from '../../domain/meetings.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import type { User } from '../../domain/users.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import { excerpt } from '../../runtime/excerpt.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { cachedMeeting, cachedUser } from '../cachedReads.js';
import type { GraphServices } from '../graphServices.js';
import { contextUrl, selectedSet, sendGraphJson } from '../respond.js';
import { servicesOf } from '../servicesOf.js';

type Req = FastifyRequest<{ Params: { userId?: string; meetingId?: string; insightId?: string } }>;

const INSIGHT_TYPE = 'microsoft.graph.callAiInsight';
const PROPERTIES = ['id', 'actionItems', 'callId', 'contentCorrelationId', 'createdDateTime', 'endDateTime', 'meetingNotes', 'viewpoint'];
/** The list returns each insight's metadata; get returns its content too (https://learn.microsoft.com/graph/api/onlinemeeting-list-aiinsights). */
const METADATA = ['id', 'callId', 'contentCorrelationId', 'createdDateTime', 'endDateTime'];
/** Transcripts read to make insights are small; a larger one is read up to this many bytes. */
const MAX_TRANSCRIPT_BYTES = 4 * 1024 * 1024;
const MAX_TRANSCRIPTS = 100;

/** An insight is named after the transcript it was made from. */
const insightIdOf = (transcriptId: string): string => Buffer.from(`aiInsight|${transcriptId}`).toString('base64url');

async function meetingOf(request: Req): Promise<{ services: GraphServices; user: User; meeting: Meeting }> {
  const services = servicesOf(request);
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  const meetingId = request.params.meetingId ?? '';
  await authorize(services, request, PERMISSIONS.aiInsightRead, { userId: user.id, meetingId });
  const meeting = await cachedMeeting(services, meetingId);
  const takesPart = meeting !== undefined && (meeting.organizerId === user.id || (meeting.settings.attendees ?? []).some((a) => a.userId === user.id));
  if (meeting === undefined || meeting.tenantId !== principal.tenantId || !takesPart) throw new GraphError(404, 'NotFound', `The onlineMeeting '${excerpt(meetingId)}' was not found for this user.`);
  return { services, user, meeting };
}

async function transcriptsOf(services: GraphServices, meeting: Meeting): Promise<Artifact[]> {
  return (await pageArtifacts(services.ctx, { by: 'meeting', kind: 'transcript', meetingId: meeting.id }, 0, MAX_TRANSCRIPTS)).items;
}

async function readText(services: GraphServices, transcript: Artifact): Promise<string> {
  if (!(await services.blobs.has(transcript.content.blobKey))) return '';
  const end = Math.min(transcript.content.size, MAX_TRANSCRIPT_BYTES) - 1;
  if (end < 0) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of services.blobs.read(transcript.content.blobKey, { start: 0, end })) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** The meeting's people by display name: the transcript names its speakers so. */
async function peopleOf(services: GraphServices, meeting: Meeting): Promise<Map<string, User>> {
  const ids = [meeting.organizerId, ...(meeting.settings.attendees ?? []).flatMap((a) => (a.userId === null ? [] : [a.userId]))];
  const people = new Map<string, User>();
  for (const id of ids) {
    const user = await cachedUser(services, meeting.tenantId, id);
    if (user !== undefined) people.set(user.displayName, user);
  }
  return people;
}

async function toInsight(services: GraphServices, viewer: User, meeting: Meeting, transcript: Artifact): Promise<Record<string, unknown>> {
  const cues = parseCues(await readText(services, transcript));
  const insights = insightsFromCues(cues, [viewer.displayName, ...(viewer.givenName !== null ? [viewer.givenName] : [])]);
  const startMs = Date.parse(transcript.createdDateTime);
  const people = await peopleOf(services, meeting);
  return {
    id: insightIdOf(transcript.id),
    callId: transcript.callId,
    contentCorrelationId: transcript.contentCorrelationId,
    createdDateTime: transcript.createdDateTime,
    endDateTime: transcript.endDateTime,
    meetingNotes: insights.meetingNotes,
    actionItems: insights.actionItems,
    viewpoint: {
      mentionEvents: insights.mentions.map((m) => ({
        eventDateTime: new Date(startMs + m.offsetMs).toISOString(),
        transcriptUtterance: m.utterance,
        speaker: { application: null, device: null, user: { id: people.get(m.speaker)?.id ?? null, displayName: m.speaker } },
      })),
    },
  };
}

const insightsSet = (user: User, meeting: Meeting): string => `copilot/users('${user.id}')/onlineMeetings('${meeting.id}')/aiInsights`;

/** GET /copilot/users/{userId}/onlineMeetings/{meetingId}/aiInsights: one per transcript, metadata only (https://learn.microsoft.com/graph/api/onlinemeeting-list-aiinsights). */
export async function listAiInsights(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: PROPERTIES, typeName: INSIGHT_TYPE } });
  const { services, user, meeting } = await meetingOf(request);
  const value = [];
  for (const t of await transcriptsOf(services, meeting)) {
    const full = await toInsight(services, user, meeting, t);
    value.push(applySelect(full, options.select ?? METADATA, ['id']));
  }
  return sendGraphJson(request, reply, 200, { '@odata.context': contextUrl(request, selectedSet(insightsSet(user, meeting), options.select)), value });
}

/** GET …/aiInsights/{aiInsightId}: metadata and content (https://learn.microsoft.com/graph/api/callaiinsight-get). */
export async function getAiInsight(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: PROPERTIES, typeName: INSIGHT_TYPE } });
  const { services, user, meeting } = await meetingOf(request);
  const id = request.params.insightId ?? '';
  const transcript = (await transcriptsOf(services, meeting)).find((t) => insightIdOf(t.id) === id);
  if (transcript === undefined) throw new GraphError(404, 'NotFound', `The aiInsight '${excerpt(id)}' was not found.`);
  const full = await toInsight(services, user, meeting, transcript);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `${selectedSet(insightsSet(user, meeting), options.select)}/$entity`),
    ...(options.select === undefined ? full : applySelect(full, options.select, ['id'])),
  });
}
