import type { ArtifactView } from '../../src/domain/artifactResource.js';
import { toArtifactRow } from '../../src/domain/artifacts.js';
import type { ArtifactTable } from '../../src/store/schema.js';

/** The artifacts row of `view` at feed position `feedSeq`, with placeholder content: for tests that write rows directly. */
export const artifactRow = (view: ArtifactView, feedSeq: number): ArtifactTable =>
  toArtifactRow({ ...view, feedSeq, content: { blobKey: 'blob', contentType: 'video/mp4', size: 1 }, metadata: null, recordingKind: null });
