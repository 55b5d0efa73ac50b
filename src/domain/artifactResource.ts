/**
 * The callRecording / callTranscript resource as Graph serializes it, property order as in the examples of
 * https://learn.microsoft.com/graph/api/callrecording-delta and https://learn.microsoft.com/graph/api/callrecording-get.
 * Used by the Graph handlers (links under the request's service root) and by the change pipeline (links
 * under Graph's own root: the origin serving a notification is not known when the artifact is made).
 */
export type ArtifactKind = 'recording' | 'transcript';

export interface ArtifactView {
  id: string;
  kind: ArtifactKind;
  tenantId: string;
  organizerId: string;
  meetingId: string | null;
  adhocCallId: string | null;
  callId: string;
  contentCorrelationId: string;
  createdDateTime: string;
  endDateTime: string;
}

export const GRAPH_V1_ROOT = 'https://graph.microsoft.com/v1.0';

/** `recordings` / `transcripts`: the navigation property holding artifacts of this kind. */
export const collectionOf = (kind: ArtifactKind): 'recordings' | 'transcripts' => (kind === 'recording' ? 'recordings' : 'transcripts');

/** Where the artifact lives under its organizer: `users/{id}/onlineMeetings/{id}` or `users/{id}/adhocCalls/{id}`. */
export function ownerPath(a: ArtifactView): string {
  return a.meetingId !== null ? `users/${a.organizerId}/onlineMeetings/${a.meetingId}` : `users/${a.organizerId}/adhocCalls/${a.adhocCallId ?? ''}`;
}

/** The canonical content URL (the form https://learn.microsoft.com/graph/api/callrecording-delta shows). */
export const contentUrl = (a: ArtifactView, serviceRoot: string): string => `${serviceRoot}/${ownerPath(a)}/${collectionOf(a.kind)}/${a.id}/content`;

export function meetingOrganizer(organizerId: string, tenantId: string): Record<string, unknown> {
  return {
    application: null,
    device: null,
    user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: organizerId, displayName: null, userIdentityType: 'aadUser', tenantId },
  };
}

/** Date#toISOString's form, `2025-10-07T07:25:21.973Z` (ASCII digits): graphDateTime's fast path, and where a page's bytes written by the database are right (artifactPageBytes.ts). */
export const ISO_MILLIS_PATTERN = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;
const ISO_MILLIS = new RegExp(`^${ISO_MILLIS_PATTERN}$`);

/**
 * `2025-10-07T07:25:21.9730000Z`: an instant with Graph's seven fractional digits. Idempotent: a
 * stored resource written before (three digits) and one written now read the same.
 */
export function graphDateTime(iso: string): string {
  // Date#toISOString's form (three digits) is nearly every stored instant: a test and a slice, not captures.
  if (iso.length === 24 && ISO_MILLIS.test(iso)) return `${iso.slice(0, 23)}0000Z`;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  return m === null ? iso : `${m[1] ?? ''}.${(m[2] ?? '').padEnd(7, '0').slice(0, 7)}Z`;
}

/**
 * `2023-09-17T08:13:26.3265566+00:00`: an instant as change notifications write it (subscriptionExpirationDateTime
 * in https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript).
 */
export function notificationDateTime(iso: string): string {
  const seven = graphDateTime(iso);
  return seven.endsWith('Z') ? `${seven.slice(0, -1)}+00:00` : seven;
}

export function artifactResource(a: ArtifactView, serviceRoot: string): Record<string, unknown> {
  // Seven fractional digits, as the examples of https://learn.microsoft.com/graph/api/callrecording-get
  // (`2023-04-10T08:13:17.5990966Z`) and https://learn.microsoft.com/graph/api/adhoccall-getallrecordings show.
  const instant = graphDateTime;
  return {
    id: a.id,
    meetingId: a.meetingId,
    callId: a.callId,
    createdDateTime: instant(a.createdDateTime),
    endDateTime: instant(a.endDateTime),
    contentCorrelationId: a.contentCorrelationId,
    [a.kind === 'recording' ? 'recordingContentUrl' : 'transcriptContentUrl']: contentUrl(a, serviceRoot),
    meetingOrganizer: meetingOrganizer(a.organizerId, a.tenantId),
  };
}

/**
 * JSON.stringify(artifactResource(a, serviceRoot)), written directly: a getAll* page writes a thousand
 * of them, and building each object to serialize it was a third of a delta page's CPU time.
 * `organizerJson` is the meetingOrganizer's JSON (meetingOrganizerJson), the same for a whole page.
 * test/graph/artifactResourceJson.test.ts checks it against artifactResource.
 */
export function artifactResourceJson(a: ArtifactView, serviceRoot: string, organizerJson = meetingOrganizerJson(a.organizerId, a.tenantId)): string {
  const instant = graphDateTime;
  const q = JSON.stringify;
  return (
    `{"id":${q(a.id)},"meetingId":${a.meetingId === null ? 'null' : q(a.meetingId)},"callId":${q(a.callId)},` +
    `"createdDateTime":${q(instant(a.createdDateTime))},"endDateTime":${q(instant(a.endDateTime))},"contentCorrelationId":${q(a.contentCorrelationId)},` +
    `"${a.kind === 'recording' ? 'recordingContentUrl' : 'transcriptContentUrl'}":${q(contentUrl(a, serviceRoot))},"meetingOrganizer":${organizerJson}}`
  );
}

/**
 * The `value` array's text of a getAll* page: each artifact as artifactResourceJson with
 * `"@odata.type":"#microsoft.graph.callRecording|callTranscript"` first (`items` are all of `kind`), comma-separated, the same
 * characters as joining those (test/graph/artifactResourceJson.test.ts checks it). Written as parts
 * joined once: a page of a thousand was a thousand nested concatenations, each sliced again (a copy
 * apiece) to put the type in front; one join makes the page's text in one flat string.
 */
export function artifactPageValueJson(items: readonly ArtifactView[], kind: ArtifactKind, serviceRoot: string, organizerJson: string): string {
  const q = JSON.stringify;
  const head = `{"@odata.type":"#microsoft.graph.${kind === 'recording' ? 'callRecording' : 'callTranscript'}","id":`;
  const urlName = `,"${kind === 'recording' ? 'recordingContentUrl' : 'transcriptContentUrl'}":`;
  const tail = `,"meetingOrganizer":${organizerJson}}`;
  const parts: string[] = [];
  // A meeting's artifacts follow each other and share its end: its text is worked out once per run.
  let lastEnd: string | undefined;
  let lastEndJson = '';
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    if (a.endDateTime !== lastEnd) {
      lastEnd = a.endDateTime;
      lastEndJson = q(graphDateTime(lastEnd));
    }
    parts.push(
      i === 0 ? head : `,${head}`,
      q(a.id),
      ',"meetingId":',
      a.meetingId === null ? 'null' : q(a.meetingId),
      ',"callId":',
      q(a.callId),
      ',"createdDateTime":',
      q(graphDateTime(a.createdDateTime)),
      ',"endDateTime":',
      lastEndJson,
      ',"contentCorrelationId":',
      q(a.contentCorrelationId),
      urlName,
      q(contentUrl(a, serviceRoot)),
      tail,
    );
  }
  return parts.join('');
}

/** JSON.stringify(meetingOrganizer(organizerId, tenantId)). */
export const meetingOrganizerJson = (organizerId: string, tenantId: string): string => JSON.stringify(meetingOrganizer(organizerId, tenantId));

/**
 * What a rich notification carries for the artifact (the change feed keeps it as the change's data):
 * the resource as GET serves it; a recording's also ends with `"content": null`, as the decrypted
 * payload in https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript shows.
 */
export function notificationResourceData(a: ArtifactView, serviceRoot: string): Record<string, unknown> {
  const resource = artifactResource(a, serviceRoot);
  return a.kind === 'recording' ? { ...resource, content: null } : resource;
}
