import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { artifactResource, artifactResourceJson, type ArtifactView } from '../../src/domain/artifactResource.js';

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
});
