import { describe, expect, it } from 'vitest';
import { omitNulls, parsePrefer, preferenceApplied } from '../../../src/http/odata/prefer.js';

describe('parsePrefer', () => {
  it('returns defaults without a header', () => {
    expect(parsePrefer(undefined)).toEqual({ omitNulls: false, includeUnknownEnumMembers: false, respondAsync: false, all: {} });
    expect(parsePrefer('')).toEqual({ omitNulls: false, includeUnknownEnumMembers: false, respondAsync: false, all: {} });
  });

  it('parses the callRecord seed preferences from comma lists and several headers', () => {
    const prefs = parsePrefer(['odata.maxpagesize=10, include-unknown-enum-members', 'omit-values=nulls']);
    expect(prefs).toMatchObject({ maxPageSize: 10, includeUnknownEnumMembers: true, omitNulls: true, respondAsync: false });
    expect(prefs.all).toEqual({ 'odata.maxpagesize': '10', 'include-unknown-enum-members': '', 'omit-values': 'nulls' });
  });

  it('matches names and values ignoring case and tolerates spaces and quotes', () => {
    expect(parsePrefer('  ODATA.MaxPageSize = "25" ,Omit-Values=NULLS')).toMatchObject({ maxPageSize: 25, omitNulls: true });
    expect(parsePrefer('maxpagesize=5').maxPageSize).toBe(5);
  });

  it('ignores invalid page sizes, as Graph does', () => {
    for (const value of ['0', '-1', 'abc', '1.5', '']) {
      expect(parsePrefer(`odata.maxpagesize=${value}`).maxPageSize).toBeUndefined();
    }
  });

  it('parses return and respond-async, and ignores preference parameters', () => {
    expect(parsePrefer('return=minimal').return).toBe('minimal');
    expect(parsePrefer('return=Representation').return).toBe('representation');
    expect(parsePrefer('return=everything').return).toBeUndefined();
    expect(parsePrefer('respond-async; wait=10').respondAsync).toBe(true);
    expect(parsePrefer('omit-values=other').omitNulls).toBe(false);
  });

  it('keeps the first occurrence of a repeated preference (RFC 7240)', () => {
    expect(parsePrefer('odata.maxpagesize=5, odata.maxpagesize=7').maxPageSize).toBe(5);
    expect(parsePrefer(['return=minimal', 'return=representation']).return).toBe('minimal');
  });

  it('does not split inside quoted values', () => {
    const prefs = parsePrefer('outlook.timezone="Pacific, \\"Standard\\" Time", respond-async');
    expect(prefs.all['outlook.timezone']).toBe('Pacific, "Standard" Time');
    expect(prefs.respondAsync).toBe(true);
  });
});

describe('preferenceApplied', () => {
  it('joins applied preferences once each, in order', () => {
    expect(preferenceApplied(['odata.maxpagesize=10', 'include-unknown-enum-members', 'Include-Unknown-Enum-Members', ' '])).toBe('odata.maxpagesize=10, include-unknown-enum-members');
    expect(preferenceApplied([])).toBe('');
  });

  it('names odata.maxpagesize once, with the largest size applied', () => {
    expect(preferenceApplied(['odata.maxpagesize=60', 'omit-values=nulls', 'odata.maxpagesize=100', 'odata.maxpagesize=25'])).toBe('odata.maxpagesize=100, omit-values=nulls');
  });
});

describe('omitNulls', () => {
  it('removes nulls and empty arrays/objects recursively, keeping annotations', () => {
    const callRecord = {
      '@odata.context': 'https://graph.microsoft.com/beta/$metadata#communications/callRecords/$entity',
      '@odata.nextLink': null,
      id: 'e523d2ed',
      joinWebUrl: null,
      modalities: [],
      organizer_v2: { id: 'o', identity: { application: null, device: null, user: { id: 'u', displayName: null } } },
      'participants_v2@odata.context': 'ctx',
      empty: { a: null, b: { c: [] } },
      version: 0,
      flag: false,
      text: '',
    };
    expect(omitNulls(callRecord)).toEqual({
      '@odata.context': callRecord['@odata.context'],
      '@odata.nextLink': null,
      id: 'e523d2ed',
      organizer_v2: { id: 'o', identity: { user: { id: 'u' } } },
      'participants_v2@odata.context': 'ctx',
      version: 0,
      flag: false,
      text: '',
    });
  });

  it('keeps a collection response value array and each of its entities', () => {
    expect(omitNulls({ '@odata.context': 'c', value: [] })).toEqual({ '@odata.context': 'c', value: [] });
    expect(omitNulls({ value: [{ id: 'a', x: null }, { x: null }, null] })).toEqual({ value: [{ id: 'a' }, {}] });
  });

  it('drops null elements from nested arrays and cleans nested arrays', () => {
    expect(omitNulls({ a: [1, null, 2], b: [[null], [{ x: null, y: 1 }]], c: [null] })).toEqual({ a: [1, 2], b: [[], [{ y: 1 }]] });
  });

  it('leaves primitives, top-level arrays and non-plain objects alone', () => {
    expect(omitNulls(null)).toBeNull();
    expect(omitNulls('x')).toBe('x');
    expect(omitNulls([{ a: null }, null])).toEqual([{}]);
    const date = new Date(0);
    expect(omitNulls({ d: date }).d).toBe(date);
  });

  it('does not modify the input', () => {
    const input = { a: null, b: { c: null } };
    omitNulls(input);
    expect(input).toEqual({ a: null, b: { c: null } });
  });
});
