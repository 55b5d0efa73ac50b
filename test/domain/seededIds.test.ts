import { describe, expect, it } from 'vitest';
import { meetingIdFor, newMeetingThreadId, newTimeOrderedGuid, parseMeetingId } from '../../src/domain/ids.js';

const ORGANIZER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('time-ordered ids of bulk-seeded meetings and calls', () => {
  it('are GUIDs (version 7, RFC 9562 variant) whose text sorts by the instant given', () => {
    const instants = [1_700_000_000_000, 1_700_000_000_001, 1_700_003_600_000, 1_800_000_000_000];
    const guids = instants.map(newTimeOrderedGuid);
    for (const guid of guids) {
      expect(guid).toMatch(GUID);
      expect(guid[14]).toBe('7');
      expect('89ab').toContain(guid[19]);
    }
    expect([...guids].sort()).toEqual(guids);
  });

  it('give meeting thread ids of the usual shape, which meeting ids carry and parse back', () => {
    const threadId = newMeetingThreadId(1_700_000_000_000);
    expect(threadId).toMatch(/^19:meeting_[A-Za-z0-9+/]+@thread\.v2$/);
    const guid = Buffer.from(threadId.slice('19:meeting_'.length, -'@thread.v2'.length), 'base64').toString('utf8');
    expect(guid).toMatch(GUID);
    expect(parseMeetingId(meetingIdFor(ORGANIZER, threadId))).toEqual({ organizerId: ORGANIZER, threadId });
    // The GUIDs inside sort by instant; without one, thread ids stay random GUIDs.
    const inner = (id: string): string => Buffer.from(id.slice('19:meeting_'.length, -'@thread.v2'.length), 'base64').toString('utf8');
    expect(inner(newMeetingThreadId(1_700_000_000_000)) < inner(newMeetingThreadId(1_700_003_600_000))).toBe(true);
    expect(inner(newMeetingThreadId())).toMatch(GUID);
    expect(newMeetingThreadId()).not.toBe(newMeetingThreadId());
  });
});
