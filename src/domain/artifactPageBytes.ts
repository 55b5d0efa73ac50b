import type { RawBuilder } from 'kysely';
import { sql } from '../store/kysely.js';
import { collectionOf, type ArtifactKind } from './artifactResource.js';

/**
 * A getAll* page item's JSON written by the database: the same characters as artifactPageValueJson
 * writes for the row (the `@odata.type` first, then the resource of artifactResource;
 * https://learn.microsoft.com/graph/api/callrecording-delta shows the shape). The page's aggregate
 * joins these and is read as one Buffer (pageArtifactBytes): decoding a row's strings, building the
 * text in JS and encoding it again for the socket were most of a delta page's CPU time.
 *
 * The row's strings go between quotes as they are, and its instants as their first 23 characters and
 * `0000Z` (graphDateTime of Date#toISOString's form): right for every row the store promises holds no
 * `"`, `\` or control character and only such instants. Migration 017's triggers note any row that
 * breaks that promise (ARTIFACT_JSON_ESCAPES_KEY), and the page reads the note in the same statement
 * and builds such a store's pages in JS. The parts that are not the row's (the request's root, the
 * organizer) are escaped here, with JSON.stringify. Escaping each string in SQL (json_quote, to_json)
 * was a quarter of a page's SQL. test/graph/artifactPageBytes.test.ts checks the bytes against
 * artifactPageValueJson on both stores.
 *
 * `adhoc`: the scope lists ad hoc call artifacts (meeting_id IS NULL) rather than meetings' (IS NOT NULL).
 */
export function artifactRowJsonText(kind: ArtifactKind, serviceRoot: string, organizerId: string, organizerJson: string, adhoc: boolean): RawBuilder<string> {
  const col = (name: string): RawBuilder<string> => sql<string>`${sql.ref(`artifacts.${name}`)}`;
  // Constants go as parameters (they hold the request's host and the organizer, not SQL).
  const param = (value: string): RawBuilder<string> => sql<string>`CAST(${value} AS TEXT)`;
  // A JSON string's inside: what JSON.stringify writes between the quotes (escaping is per character, so the pieces join).
  const inside = (text: string): string => JSON.stringify(text).slice(1, -1);
  const type = kind === 'recording' ? 'callRecording' : 'callTranscript';
  const head = param(`{"@odata.type":"#microsoft.graph.${type}","id":"`);
  const meeting = adhoc ? sql<string>`'","meetingId":null,"callId":"'` : sql<string>`'","meetingId":"', ${col('meeting_id')}, '","callId":"'`;
  // contentUrl: {root}/users/{organizer}/onlineMeetings/{meeting} (or adhocCalls/{call})/{recordings|transcripts}/{id}/content.
  const urlName = kind === 'recording' ? 'recordingContentUrl' : 'transcriptContentUrl';
  const ownerRoot = param(`","${urlName}":"${inside(`${serviceRoot}/users/${organizerId}/${adhoc ? 'adhocCalls' : 'onlineMeetings'}/`)}`);
  const owner = adhoc ? sql<string>`COALESCE(${col('adhoc_call_id')}, '')` : col('meeting_id');
  const collection = param(`/${collectionOf(kind)}/`);
  const tail = param(`/content","meetingOrganizer":${organizerJson}}`);
  const instant = (name: string): RawBuilder<string> => sql<string>`substr(${col(name)}, 1, 23)`;
  // One concat() call, not a chain of ||: each || copied the row's text so far (SQLite and PostgreSQL both have concat).
  return sql<string>`concat(${head}, ${col('id')}, ${meeting}, ${col('call_id')}, '","createdDateTime":"', ${instant('created_at')}, '0000Z","endDateTime":"', ${instant('end_at')}, '0000Z","contentCorrelationId":"', ${col('content_correlation_id')}, ${ownerRoot}, ${owner}, ${collection}, ${col('id')}, ${tail})`;
}
