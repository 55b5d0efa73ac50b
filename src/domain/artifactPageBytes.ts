import type { RawBuilder } from 'kysely';
import type { SqlJsonText } from '../store/dialectCapabilities.js';
import { sql } from '../store/kysely.js';
import { collectionOf, ISO_MILLIS_PATTERN, type ArtifactKind } from './artifactResource.js';

/**
 * A getAll* page item's JSON written by the database, as UTF-8 bytes: the same characters as
 * artifactPageValueJson writes for the row (the `@odata.type` first, then the resource of
 * artifactResource; https://learn.microsoft.com/graph/api/callrecording-delta shows the shape). The
 * row is read as one Buffer instead of eight strings: decoding them, building the text in JS and
 * encoding it again for the socket were most of a delta page's CPU time, the SQLite read half of it.
 *
 * Right only where both instants are Date#toISOString's form (graphDateTime pads that with four
 * zeros): the caller checks them once per page (artifactInstantsText, instantsAreIsoMillis) and
 * takes the JS path for a page with any other form, rather than the database testing each row
 * (two GLOBs a row were a sixth of a page's SQL). test/graph/artifactPageBytes.test.ts checks the
 * bytes against artifactPageValueJson on both stores.
 */
export function artifactRowJsonBytes(text: SqlJsonText, kind: ArtifactKind, serviceRoot: string, organizerId: string, organizerJson: string): RawBuilder<Uint8Array> {
  return text.utf8(artifactRowJsonText(text, kind, serviceRoot, organizerId, organizerJson));
}

/** artifactRowJsonBytes as text: what a page's aggregate joins (pageArtifactBytes). */
export function artifactRowJsonText(text: SqlJsonText, kind: ArtifactKind, serviceRoot: string, organizerId: string, organizerJson: string): RawBuilder<string> {
  const q = text.quote;
  const col = (name: string): RawBuilder<string> => sql<string>`${sql.ref(`artifacts.${name}`)}`;
  // Constants go as parameters (they hold the request's host and the organizer, not SQL).
  const param = (value: string): RawBuilder<string> => sql<string>`CAST(${value} AS TEXT)`;
  const head = param(`{"@odata.type":"#microsoft.graph.${kind === 'recording' ? 'callRecording' : 'callTranscript'}","id":`);
  const urlName = param(`,"${kind === 'recording' ? 'recordingContentUrl' : 'transcriptContentUrl'}":`);
  const ownerRoot = param(`${serviceRoot}/users/${organizerId}/`);
  const collection = param(`/${collectionOf(kind)}/`);
  const tail = param(`,"meetingOrganizer":${organizerJson}}`);
  const meetingId = col('meeting_id');
  // contentUrl: {root}/users/{organizer}/onlineMeetings/{meeting} (or adhocCalls/{call})/{recordings|transcripts}/{id}/content.
  const owner = sql<string>`CASE WHEN ${meetingId} IS NOT NULL THEN concat('onlineMeetings/', ${meetingId}) ELSE concat('adhocCalls/', COALESCE(${col('adhoc_call_id')}, '')) END`;
  // graphDateTime of Date#toISOString's form: its first 23 characters and `0000Z` (seven fractional digits).
  const instant = (name: string): RawBuilder<string> => sql<string>`substr(${col(name)}, 1, 23)`;
  // One concat() call, not a chain of ||: each || copied the row's text so far (SQLite and PostgreSQL both have concat).
  return sql<string>`concat(${head}, ${q(col('id'))}, ',"meetingId":', CASE WHEN ${meetingId} IS NULL THEN 'null' ELSE ${q(meetingId)} END, ',"callId":', ${q(col('call_id'))}, ',"createdDateTime":"', ${instant('created_at')}, '0000Z","endDateTime":"', ${instant('end_at')}, '0000Z","contentCorrelationId":', ${q(col('content_correlation_id'))}, ${urlName}, ${q(sql<string>`concat(${ownerRoot}, ${owner}, ${collection}, ${col('id')}, '/content')`)}, ${tail})`;
}

/** The row's two instants, `created,end`: a page joins them with commas for instantsAreIsoMillis. */
export const artifactInstantsText = (): RawBuilder<string> => sql<string>`concat(${sql.ref('artifacts.created_at')}, ',', ${sql.ref('artifacts.end_at')})`;

const ISO_MILLIS_LIST = new RegExp(`^${ISO_MILLIS_PATTERN}(?:,${ISO_MILLIS_PATTERN})*$`);

/**
 * Whether `joined`, the artifactInstantsText of `rows` rows joined with commas (in any order), holds
 * only instants of Date#toISOString's form (ASCII digits, as graphDateTime's \d). Each such instant
 * is 24 characters without a comma, so the pattern and the length together leave no room for an
 * instant with a comma in it to pass as two.
 */
export const instantsAreIsoMillis = (joined: string, rows: number): boolean => joined.length === rows * 50 - 1 && ISO_MILLIS_LIST.test(joined);
