import type { ArtifactView } from '../../src/domain/artifactResource.js';
import type { ArtifactTable } from '../../src/store/schema.js';

/** The artifacts row of `view` at feed position `feedSeq`, with placeholder content: for tests that write rows directly. */
export const artifactRow = (view: ArtifactView, feedSeq: number): ArtifactTable => ({
  id: view.id,
  kind: view.kind,
  tenant_id: view.tenantId,
  organizer_id: view.organizerId,
  meeting_id: view.meetingId,
  adhoc_call_id: view.adhocCallId,
  call_id: view.callId,
  content_correlation_id: view.contentCorrelationId,
  created_at: view.createdDateTime,
  end_at: view.endDateTime,
  feed_seq: feedSeq,
  content_blob: 'blob',
  content_type: 'video/mp4',
  content_size: 1,
  metadata_blob: null,
  metadata_size: null,
  resource_json: '',
  recording_kind: null,
});
