import { artifactResource, type ArtifactKind, type ArtifactView } from '../../domain/artifactResource.js';
import { applySelect } from '../../http/odata/select.js';

/** What `$select` may name (graph-schema types-meta; streams included, as Graph accepts them). */
const RECORDING_PROPERTIES = ['id', 'callId', 'content', 'contentCorrelationId', 'createdDateTime', 'endDateTime', 'meetingId', 'meetingOrganizer', 'recordingContentUrl'] as const;
const TRANSCRIPT_PROPERTIES = [
  'id',
  'callId',
  'content',
  'contentCorrelationId',
  'createdDateTime',
  'endDateTime',
  'meetingId',
  'meetingOrganizer',
  'metadataContent',
  'transcriptContentUrl',
] as const;

export const artifactProperties = (kind: ArtifactKind): readonly string[] => (kind === 'recording' ? RECORDING_PROPERTIES : TRANSCRIPT_PROPERTIES);

export const artifactTypeName = (kind: ArtifactKind): string => (kind === 'recording' ? 'microsoft.graph.callRecording' : 'microsoft.graph.callTranscript');

/** The resource under this request's service root, trimmed to `$select` (id always stays, as Graph does). */
export function shapeArtifact(a: ArtifactView, serviceRoot: string, select: readonly string[] | undefined, withType = false): Record<string, unknown> {
  const body = artifactResource(a, serviceRoot);
  const shaped = select === undefined ? body : applySelect(body, select, ['id']);
  return withType ? { '@odata.type': `#${artifactTypeName(a.kind)}`, ...shaped } : shaped;
}
