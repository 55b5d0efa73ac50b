import { describe, expect, it } from 'vitest';
import { normalizeODataPath, parseFunctionCall, resolveFunctionParams } from '../../../src/http/odata/keySyntax.js';
import { expectBadRequest } from './helpers.js';

const MEETING = 'MSpiOTM1ZTY3NS01ZTY3LTQ4YjktOGQ0NS0yNDlkNWY4OGU5NjQqMCoqMTk6bWVldGluZ19ZbU0zTnpJNU9USXRZakU0WlMwME1tUTNMVGt6TVRRdFkyWm1PRGRtWmpsaVptRTNAdGhyZWFkLnYy';
const PADDED = 'MSoxMjczYTAxNi0yMDFkLTRmOTUtODA4My0xYjdmOTliM2VkZWIqMCoqMTk6bWVldGluZ19OV1EwWm1GbFpEY3RORFJqTmkwMFlXRm1MV0U1WXpBdE9UZzJNMk0yTm1Nd1pERTNAdGhyZWFkLnYy==';
const USER = 'b935e675-5e67-48b9-8d45-249d5f88e964';
const RECORDING = '7e31db25-bc6e-4fd8-96c7-e01264e9b6fc';

describe('normalizeODataPath', () => {
  it('rewrites quoted, unquoted and percent-quoted keys (seed @odata.context forms)', () => {
    const plain = `/beta/users/${USER}/onlineMeetings/${MEETING}/recordings/${RECORDING}`;
    expect(normalizeODataPath(`/beta/users('${USER}')/onlineMeetings('${MEETING}')/recordings('${RECORDING}')`)).toBe(plain);
    expect(normalizeODataPath(`/beta/users(${USER})/onlineMeetings(${MEETING})/recordings(${RECORDING})`)).toBe(plain);
    expect(normalizeODataPath(`/beta/users(%27${USER}%27)/onlineMeetings(%27${MEETING}%27)/recordings/${RECORDING}`)).toBe(plain);
    expect(normalizeODataPath(plain)).toBe(plain);
  });

  it('keeps base64 padding in quoted and unquoted keys', () => {
    expect(normalizeODataPath(`/v1.0/me/onlineMeetings('${PADDED}')/transcripts`)).toBe(`/v1.0/me/onlineMeetings/${PADDED}/transcripts`);
    expect(normalizeODataPath(`/v1.0/me/onlineMeetings(${PADDED})`)).toBe(`/v1.0/me/onlineMeetings/${PADDED}`);
    expect(normalizeODataPath("/v1.0/me/onlineMeetings('abc=')")).toBe('/v1.0/me/onlineMeetings/abc=');
  });

  it("unescapes '' and keeps a key containing / as one segment", () => {
    expect(normalizeODataPath("/users('o''neil')")).toBe("/users/o'neil");
    expect(normalizeODataPath('/users(%27o%27%27neil%27)')).toBe("/users/o'neil");
    expect(normalizeODataPath("/v1.0/me/onlineMeetings('ab/c+d=')/recordings")).toBe('/v1.0/me/onlineMeetings/ab%2Fc+d=/recordings');
    expect(normalizeODataPath("/users('a(b)c')")).toBe('/users/a(b)c');
    expect(normalizeODataPath('/users(%27a%20b%27)')).toBe('/users/a%20b');
  });

  it('rewrites delta in all the forms SDKs send', () => {
    const base = `/beta/users/${USER}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${USER}')`;
    for (const form of ['delta', 'delta()', 'microsoft.graph.delta()', 'microsoft.graph.delta', 'Microsoft.Graph.delta()']) {
      expect(normalizeODataPath(`${base}/${form}`)).toBe(`${base}/delta`);
    }
  });

  it('leaves function calls with named parameters unchanged (seed nextLink and DESIGN Kiota forms)', () => {
    const seedNextLink = `/beta/users({userId})/onlineMeetings/getAllRecordings(meetingOrganizerUserId='8b081ef6-4792-4def-b2c9-c363a1bf41d5')/delta`;
    expect(normalizeODataPath(seedNextLink)).toBe("/beta/users/{userId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='8b081ef6-4792-4def-b2c9-c363a1bf41d5')/delta");
    const kiota = `/v1.0/users/${USER}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)`;
    expect(normalizeODataPath(kiota)).toBe(kiota);
    const docs = `/v1.0/users/${USER}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='${USER}', startDateTime=2023-01-01T00:00:00Z, endDateTime=2023-12-31T00:00:00+05:00)`;
    expect(normalizeODataPath(docs)).toBe(docs);
    expect(normalizeODataPath('/communications/callRecords/getPstnCalls(fromDateTime=2019-11-01,toDateTime=2019-12-01)')).toBe(
      '/communications/callRecords/getPstnCalls(fromDateTime=2019-11-01,toDateTime=2019-12-01)',
    );
    // A quoted value containing / does not split the segment.
    expect(normalizeODataPath("/x/f(a='1/2')/delta()")).toBe("/x/f(a='1/2')/delta");
  });

  it('drops the microsoft.graph namespace from bound operations', () => {
    expect(normalizeODataPath(`/users/${USER}/onlineMeetings/microsoft.graph.getAllRecordings(meetingOrganizerUserId='x')`)).toBe(
      `/users/${USER}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='x')`,
    );
    expect(normalizeODataPath('/communications/calls/c1/microsoft.graph.updateRecordingStatus')).toBe('/communications/calls/c1/updateRecordingStatus');
    expect(normalizeODataPath('/x/microsoft.graph.callRecords.callRecord')).toBe('/x/microsoft.graph.callRecords.callRecord');
  });

  it('tolerates the bare-key segment of Graph-built recordingContentUrl links', () => {
    expect(normalizeODataPath(`/beta/users('${USER}')/onlineMeetings('${MEETING}')/recordings/('${RECORDING}')/content`)).toBe(
      `/beta/users/${USER}/onlineMeetings/${MEETING}/recordings/${RECORDING}/content`,
    );
  });

  it('collapses duplicate slashes and strips a trailing slash', () => {
    expect(normalizeODataPath('/v1.0//communications///onlineMeetings/')).toBe('/v1.0/communications/onlineMeetings');
    expect(normalizeODataPath('/')).toBe('/');
    expect(normalizeODataPath('')).toBe('');
    expect(normalizeODataPath('v1.0/users/')).toBe('v1.0/users');
  });

  it('leaves unbalanced or positional multi-key segments alone', () => {
    expect(normalizeODataPath("/users('abc")).toBe("/users('abc");
    expect(normalizeODataPath('/users(abc')).toBe('/users(abc');
    expect(normalizeODataPath('/f(1,2)')).toBe('/f(1,2)');
    expect(normalizeODataPath("/users/o'neil/x")).toBe("/users/o'neil/x");
    expect(normalizeODataPath('/$metadata')).toBe('/$metadata');
  });
});

describe('parseFunctionCall', () => {
  it('parses the seed delta function segment', () => {
    expect(parseFunctionCall("getAllRecordings(meetingOrganizerUserId='8b081ef6-4792-4def-b2c9-c363a1bf41d5')")).toEqual({
      name: 'getAllRecordings',
      params: { meetingOrganizerUserId: '8b081ef6-4792-4def-b2c9-c363a1bf41d5' },
    });
  });

  it('keeps unquoted literals as text and tolerates spaces after commas (docs example)', () => {
    expect(parseFunctionCall("getAllRecordings(meetingOrganizerUserId='u1', startDateTime=2023-01-01T00:00:00Z, endDateTime=2023-12-31T00:00:00.1234567+05:00)")).toEqual({
      name: 'getAllRecordings',
      params: { meetingOrganizerUserId: 'u1', startDateTime: '2023-01-01T00:00:00Z', endDateTime: '2023-12-31T00:00:00.1234567+05:00' },
    });
  });

  it('percent-decodes and unescapes quoted values', () => {
    expect(parseFunctionCall('getAllTranscripts(meetingOrganizerUserId=%27o%27%27neil%2Cx%27,%20startDateTime=2024-01-01T00:00:00%2B01:00)')).toEqual({
      name: 'getAllTranscripts',
      params: { meetingOrganizerUserId: "o'neil,x", startDateTime: '2024-01-01T00:00:00+01:00' },
    });
  });

  it('returns Kiota alias placeholders as-is, quoted or not', () => {
    expect(parseFunctionCall("getAllRecordings(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)")).toEqual({
      name: 'getAllRecordings',
      params: { meetingOrganizerUserId: '@meetingOrganizerUserId', startDateTime: '@startDateTime', endDateTime: '@endDateTime' },
    });
  });

  it('strips the namespace and accepts an empty parameter list', () => {
    expect(parseFunctionCall('microsoft.graph.getAllRecordings()')).toEqual({ name: 'getAllRecordings', params: {} });
    expect(parseFunctionCall('delta()')).toEqual({ name: 'delta', params: {} });
  });

  it('returns null for segments that are not calls with named parameters', () => {
    expect(parseFunctionCall('recordings')).toBeNull();
    expect(parseFunctionCall("users('abc')")).toBeNull();
    expect(parseFunctionCall(`onlineMeetings(${PADDED})`)).toBeNull();
    expect(parseFunctionCall("('abc')")).toBeNull();
  });

  it.each([
    ["getAllRecordings(meetingOrganizerUserId='x)", "Bad Request - Error in query syntax: invalid parameter list in 'getAllRecordings(meetingOrganizerUserId='x)'."],
    ["f(a='x',b)", "Bad Request - Error in query syntax: invalid parameter list in 'f(a='x',b)'."],
    ["f(a='x',='y')", "Bad Request - Error in query syntax: invalid parameter list in 'f(a='x',='y')'."],
    ["f(a='x',A='y')", "The parameter 'A' was specified more than once in 'f'."],
  ])('rejects %j', (segment, message) => {
    expectBadRequest(() => parseFunctionCall(segment), message);
  });
});

describe('resolveFunctionParams', () => {
  it('resolves Kiota aliases from the query string (@name or name, any case) and leaves literals', () => {
    const call = parseFunctionCall("getAllRecordings(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)");
    expect(call).not.toBeNull();
    const params = call?.params ?? {};
    expect(resolveFunctionParams(params, { meetingorganizeruserid: USER, '@StartDateTime': '2024-01-01T00:00:00Z', $top: '5' })).toEqual({
      meetingOrganizerUserId: USER,
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: undefined,
    });
    expect(resolveFunctionParams({ meetingOrganizerUserId: USER }, {})).toEqual({ meetingOrganizerUserId: USER });
  });

  it('prefers @alias over alias, takes the first of repeated values, and unquotes literal values', () => {
    expect(resolveFunctionParams({ a: '@p' }, { p: 'plain', '@p': "'it''s'" })).toEqual({ a: "it's" });
    expect(resolveFunctionParams({ a: '@p' }, { p: ['1', '2'] })).toEqual({ a: '1' });
    expect(resolveFunctionParams({ a: '@p' }, { p: undefined })).toEqual({ a: undefined });
  });
});
