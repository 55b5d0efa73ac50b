import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { artifactPageValueJson, artifactResource, artifactResourceJson, graphDateTime, meetingOrganizerJson, type ArtifactView } from '../../src/domain/artifactResource.js';

// Any text, quotes, backslashes and control characters included: the direct writer must escape as JSON.stringify does.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const instant = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constant('2025-10-07T07:25:21Z'),
  text,
);
const view: fc.Arbitrary<ArtifactView> = fc.record({
  id: text,
  kind: fc.constantFrom('recording' as const, 'transcript' as const),
  tenantId: text,
  organizerId: text,
  meetingId: fc.option(text, { nil: null }),
  adhocCallId: fc.option(text, { nil: null }),
  callId: text,
  contentCorrelationId: text,
  createdDateTime: instant,
  endDateTime: instant,
});

describe('artifactResourceJson', () => {
  it('writes exactly JSON.stringify(artifactResource(…)) for meeting and ad hoc recordings and transcripts', () => {
    fc.assert(
      fc.property(view, fc.constantFrom('https://graph.microsoft.com/v1.0', 'https://localhost:8443/v1.0', 'https://h"st/v1.0'), (a, root) => {
        expect(artifactResourceJson(a, root)).toBe(JSON.stringify(artifactResource(a, root)));
      }),
      { numRuns: 500 },
    );
  });

  it('graphDateTime gives seven fractional digits whatever the input has', () => {
    expect(graphDateTime('2025-10-07T07:25:21.973Z')).toBe('2025-10-07T07:25:21.9730000Z');
    expect(graphDateTime('2025-10-07T07:25:21Z')).toBe('2025-10-07T07:25:21.0000000Z');
    expect(graphDateTime('2025-10-07T07:25:21.12345678Z')).toBe('2025-10-07T07:25:21.1234567Z');
    expect(graphDateTime('2025-10-07T07:25:21.9730000Z')).toBe('2025-10-07T07:25:21.9730000Z');
    // 24 characters but not an instant: left as it is.
    expect(graphDateTime('2025-10-07T07:25:21.97xZ')).toBe('2025-10-07T07:25:21.97xZ');
    expect(graphDateTime('not a date')).toBe('not a date');
  });
});

/** The page text as getAll wrote it before artifactPageValueJson: each item's JSON with the type spliced in front, joined. */
function pageByItems(items: readonly ArtifactView[], kind: ArtifactView['kind'], root: string, organizerJson: string): string {
  const typeProperty = `{"@odata.type":"#microsoft.graph.${kind === 'recording' ? 'callRecording' : 'callTranscript'}",`;
  return items.map((a) => typeProperty + artifactResourceJson(a, root, organizerJson).slice(1)).join(',');
}

describe('artifactPageValueJson', () => {
  // A page's items share kind, tenant and organizer (the scope's); runs of them share a meeting and its end.
  const page = fc
    .record({
      kind: fc.constantFrom('recording' as const, 'transcript' as const),
      tenantId: text,
      organizerId: text,
      runs: fc.array(fc.record({ meetingId: fc.option(text, { nil: null }), adhocCallId: fc.option(text, { nil: null }), endDateTime: instant, items: fc.array(view, { maxLength: 5 }) }), {
        maxLength: 6,
      }),
    })
    .map(({ kind, tenantId, organizerId, runs }) => ({
      kind,
      tenantId,
      organizerId,
      items: runs.flatMap((run) => run.items.map((v): ArtifactView => ({ ...v, kind, tenantId, organizerId, meetingId: run.meetingId, adhocCallId: run.adhocCallId, endDateTime: run.endDateTime }))),
    }));

  it('writes the same characters as the items’ resource JSON with @odata.type in front, comma-joined', () => {
    fc.assert(
      fc.property(page, fc.constantFrom('https://graph.microsoft.com/v1.0', 'https://localhost:8443/v1.0', 'https://h"st/v1.0'), (p, root) => {
        const organizerJson = meetingOrganizerJson(p.organizerId, p.tenantId);
        const text = artifactPageValueJson(p.items, p.kind, root, organizerJson);
        expect(text).toBe(pageByItems(p.items, p.kind, root, organizerJson));
        // And it is the JSON of the resources themselves.
        expect(JSON.parse(`[${text}]`)).toEqual(
          p.items.map((a) => ({ '@odata.type': `#microsoft.graph.${p.kind === 'recording' ? 'callRecording' : 'callTranscript'}`, ...artifactResource(a, root) })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is empty for an empty page', () => {
    expect(artifactPageValueJson([], 'recording', 'https://graph.microsoft.com/v1.0', meetingOrganizerJson('u', 't'))).toBe('');
  });
});
