import { describe, expect, it } from 'vitest';
import { applySelect, parseSelect } from '../../../src/http/odata/select.js';
import { expectBadRequest } from './helpers.js';

describe('parseSelect', () => {
  it('splits a comma list and trims items', () => {
    expect(parseSelect('callId,content')).toEqual(['callId', 'content']);
    expect(parseSelect(' id , startDateTime ,type')).toEqual(['id', 'startDateTime', 'type']);
    expect(parseSelect('*')).toEqual(['*']);
    expect(parseSelect('organizer_v2/identity')).toEqual(['organizer_v2/identity']);
    expect(parseSelect('microsoft.graph.callRecording')).toEqual(['microsoft.graph.callRecording']);
  });

  it.each([
    ['', "Term '' is not valid in a $select or $expand expression."],
    ['id,,callId', "Term '' is not valid in a $select or $expand expression."],
    ['id,', "Term '' is not valid in a $select or $expand expression."],
    ['call id', "Term 'call id' is not valid in a $select or $expand expression."],
    ['sessions($select=id)', "Term 'sessions($select=id)' is not valid in a $select or $expand expression."],
    ['a/', "Term 'a/' is not valid in a $select or $expand expression."],
    ['1abc', "Term '1abc' is not valid in a $select or $expand expression."],
  ])('rejects %j', (text, message) => {
    expectBadRequest(() => parseSelect(text), message);
  });
});

describe('applySelect', () => {
  const recording = {
    '@odata.context': "https://graph.microsoft.com/beta/$metadata#users('u')/onlineMeetings('m')/recordings/$entity",
    '@odata.type': '#microsoft.graph.callRecording',
    id: 'r1',
    callId: 'c1',
    contentCorrelationId: 'cc-0',
    meetingOrganizer: { application: null, user: { id: 'u', displayName: null } },
    participants_v2: [{ id: 'p1', identity: { user: { id: 'u' } } }],
    'participants_v2@odata.context': 'ctx',
    'organizer_v2@odata.context': 'ctx2',
  };

  it('keeps only selected properties, matched ignoring case, plus annotations', () => {
    expect(applySelect(recording, ['CALLID', 'contentcorrelationid'])).toEqual({
      '@odata.context': recording['@odata.context'],
      '@odata.type': '#microsoft.graph.callRecording',
      callId: 'c1',
      contentCorrelationId: 'cc-0',
    });
  });

  it('keeps alwaysKeep properties', () => {
    expect(applySelect({ id: 'r1', callId: 'c', x: 1 }, ['callId'], ['ID'])).toEqual({ id: 'r1', callId: 'c' });
  });

  it('keeps annotations of kept properties only', () => {
    expect(applySelect(recording, ['participants_v2'])).toMatchObject({
      participants_v2: recording.participants_v2,
      'participants_v2@odata.context': 'ctx',
    });
    expect(applySelect(recording, ['participants_v2'])).not.toHaveProperty(['organizer_v2@odata.context']);
  });

  it('selects inside complex values and arrays with a/b paths', () => {
    expect(applySelect(recording, ['meetingOrganizer/user'])).toMatchObject({
      meetingOrganizer: { user: { id: 'u', displayName: null } },
    });
    expect(applySelect(recording, ['participants_v2/identity'])).toMatchObject({
      participants_v2: [{ identity: { user: { id: 'u' } } }],
    });
    // A whole-property selection wins over a path into it.
    expect(applySelect(recording, ['meetingOrganizer/user', 'meetingOrganizer'])).toMatchObject({
      meetingOrganizer: recording.meetingOrganizer,
    });
    expect(applySelect({ a: 5 }, ['a/b'])).toEqual({ a: 5 });
  });

  it('returns everything for *', () => {
    expect(applySelect(recording, ['*'])).toEqual(recording);
    expect(applySelect(recording, ['*'])).not.toBe(recording);
  });

  it('does not modify the input', () => {
    const copy = structuredClone(recording);
    applySelect(recording, ['id']);
    expect(recording).toEqual(copy);
  });
});
