import { describe, expect, it } from 'vitest';
import { parseQueryOptions, type QueryOptionSpec } from '../../../src/http/odata/queryOptions.js';
import { expectBadRequest } from './helpers.js';

const notAllowed = (name: string) =>
  `The query specified in the URI is not valid. Query option '${name}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`;

const RECORDING_PROPERTIES = ['id', 'callId', 'content', 'contentCorrelationId', 'createdDateTime', 'endDateTime', 'meetingId', 'meetingOrganizer', 'recordingContentUrl'] as const;

const recordingList: QueryOptionSpec = {
  select: { properties: RECORDING_PROPERTIES, typeName: 'microsoft.graph.callRecording' },
  filter: true,
  top: { max: 100, min: 1 },
  count: true,
  skipToken: true,
};

const callRecordGet: QueryOptionSpec = {
  select: { properties: ['id', 'version', 'type', 'modalities', 'startDateTime', 'endDateTime', 'joinWebUrl'], typeName: 'microsoft.graph.callRecords.callRecord' },
  expand: {
    navigation: ['sessions', 'sessions/segments', 'participants_v2'],
    typeName: 'microsoft.graph.callRecords.callRecord',
    navigationTypes: { sessions: 'microsoft.graph.callRecords.session' },
  },
};

const delta: QueryOptionSpec = { top: { max: 999 }, skipToken: true, deltaToken: true };

describe('parseQueryOptions', () => {
  it('returns only `other` when nothing is given', () => {
    expect(parseQueryOptions({}, {})).toEqual({ other: {} });
    expect(parseQueryOptions({ $top: undefined }, {})).toEqual({ other: {} });
  });

  it('parses the seed list-recordings filter and keeps its text', () => {
    const parsed = parseQueryOptions({ $filter: "contentcorrelationId eq 'e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0'" }, recordingList);
    expect(parsed.filterText).toBe("contentcorrelationId eq 'e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0'");
    expect(parsed.filter).toMatchObject({ type: 'compare', left: { path: ['contentcorrelationId'] } });
  });

  it('recognises option names in any case, with or without $', () => {
    expect(parseQueryOptions({ $TOP: '5' }, recordingList).top).toBe(5);
    expect(parseQueryOptions({ top: '6' }, recordingList).top).toBe(6);
    expect(parseQueryOptions({ $Count: 'true' }, recordingList).count).toBe(true);
    expect(parseQueryOptions({ count: 'false' }, recordingList).count).toBe(false);
    expect(parseQueryOptions({ SELECT: 'id' }, recordingList).select).toEqual(['id']);
    expect(parseQueryOptions({ Filter: 'id eq 1' }, recordingList).filterText).toBe('id eq 1');
  });

  it('accepts every spelling of the state tokens (callRecording delta seed)', () => {
    for (const key of ['$skiptoken', 'skipToken', '$SkipToken', 'SKIPTOKEN', '$skipToken']) {
      expect(parseQueryOptions({ [key]: 'tok' }, delta)).toEqual({ skipToken: 'tok', other: {} });
    }
    for (const key of ['$deltatoken', 'deltaToken', '$DeltaToken', 'DELTATOKEN']) {
      expect(parseQueryOptions({ [key]: 'd1' }, delta)).toEqual({ deltaToken: 'd1', other: {} });
    }
    // The 410 resync Location carries an empty $deltaToken.
    expect(parseQueryOptions({ $deltatoken: '' }, delta).deltaToken).toBe('');
  });

  it('returns canonical $select names and keeps path tails', () => {
    expect(parseQueryOptions({ $select: 'CALLID,contentcorrelationid,*' }, recordingList).select).toEqual(['callId', 'contentCorrelationId', '*']);
    expect(parseQueryOptions({ $select: 'meetingorganizer/user' }, recordingList).select).toEqual(['meetingOrganizer/user']);
  });

  it('validates $expand against the navigation paths and returns canonical names (callRecord seed)', () => {
    expect(parseQueryOptions({ $expand: 'sessions($expand=segments)' }, callRecordGet).expand).toEqual([{ name: 'sessions', options: {}, expand: [{ name: 'segments', options: {} }] }]);
    expect(parseQueryOptions({ $expand: 'Participants_V2' }, callRecordGet).expand).toEqual([{ name: 'participants_v2', options: {} }]);
    expect(parseQueryOptions({ $expand: 'SESSIONS/Segments' }, callRecordGet).expand).toEqual([{ name: 'sessions/segments', options: {} }]);
    expect(parseQueryOptions({ $expand: '*' }, callRecordGet).expand).toEqual([{ name: '*', options: {} }]);
  });

  it('clamps $top to the maximum and accepts 0 without a minimum', () => {
    expect(parseQueryOptions({ $top: '1000' }, recordingList).top).toBe(100);
    expect(parseQueryOptions({ $top: '99999999999999999999999' }, recordingList).top).toBe(100);
    expect(parseQueryOptions({ $top: '0' }, delta).top).toBe(0);
    expect(parseQueryOptions({ $top: '007' }, delta).top).toBe(7);
  });

  it('matches $format against the allowed values, returning the canonical one', () => {
    const spec: QueryOptionSpec = { format: ['text/vtt'] };
    expect(parseQueryOptions({ $format: 'TEXT/VTT' }, spec).format).toBe('text/vtt');
  });

  it('passes $search and $orderby through raw when allowed', () => {
    const parsed = parseQueryOptions({ $search: '"meeting"', $orderby: 'createdDateTime desc' }, { search: true, orderby: true });
    expect(parsed).toEqual({ search: '"meeting"', orderby: 'createdDateTime desc', other: {} });
  });

  it('returns non-system parameters untouched (function parameter aliases, Kiota query parameters)', () => {
    const parsed = parseQueryOptions(
      {
        '@startDateTime': '2024-01-01T00:00:00Z',
        meetingOrganizerUserId: 'u1',
        endDateTime: ['2024-02-01T00:00:00Z', 'ignored'],
        $top: '10',
      },
      delta,
    );
    expect(parsed).toEqual({
      top: 10,
      other: { '@startDateTime': '2024-01-01T00:00:00Z', meetingOrganizerUserId: 'u1', endDateTime: '2024-02-01T00:00:00Z' },
    });
  });

  describe('errors', () => {
    it.each([
      [{ $filter: 'id eq 1' }, 'Filter'],
      [{ filter: 'id eq 1' }, 'Filter'],
      [{ $select: 'id' }, 'Select'],
      [{ $expand: 'sessions' }, 'Expand'],
      [{ $top: '1' }, 'Top'],
      [{ $skip: '1' }, 'Skip'],
      [{ $count: 'true' }, 'Count'],
      [{ $orderby: 'id' }, 'OrderBy'],
      [{ $search: 'x' }, 'Search'],
      [{ $format: 'json' }, 'Format'],
      [{ $skiptoken: 'x' }, 'SkipToken'],
      [{ deltaToken: 'x' }, 'DeltaToken'],
      [{ $compute: 'x' }, 'Compute'],
      [{ $apply: 'x' }, 'Apply'],
    ])('refuses %j when the endpoint does not allow it', (query, name) => {
      expectBadRequest(() => parseQueryOptions(query, {}), notAllowed(name));
    });

    it('refuses $filter on getAllRecordings delta and $skip everywhere', () => {
      expectBadRequest(() => parseQueryOptions({ $filter: "id eq 'x'", $top: '5' }, delta), notAllowed('Filter'));
      expectBadRequest(() => parseQueryOptions({ $skip: '5' }, recordingList), notAllowed('Skip'));
    });

    it('refuses unknown $-prefixed parameters', () => {
      expectBadRequest(() => parseQueryOptions({ $foo: '1' }, recordingList), "The query parameter '$foo' is not supported.");
    });

    it('refuses a system option given twice, in any spelling', () => {
      const twice = (option: string) => `Query option '$${option}' was specified more than once, but it must be specified at most once.`;
      expectBadRequest(() => parseQueryOptions({ $top: '1', $TOP: '2' }, recordingList), twice('top'));
      expectBadRequest(() => parseQueryOptions({ $top: ['1', '2'] }, recordingList), twice('top'));
      expectBadRequest(() => parseQueryOptions({ top: '1', $top: '1' }, recordingList), twice('top'));
      expectBadRequest(() => parseQueryOptions({ skipToken: 'a', $skiptoken: 'b' }, delta), twice('skiptoken'));
      // Duplicates are reported before options the endpoint does not allow.
      expectBadRequest(() => parseQueryOptions({ $orderby: 'a', $OrderBy: 'b' }, {}), twice('orderby'));
    });

    it('refuses $select properties not on the type', () => {
      expectBadRequest(() => parseQueryOptions({ $select: 'id,foo' }, recordingList), "Could not find a property named 'foo' on type 'microsoft.graph.callRecording'.");
      expectBadRequest(() => parseQueryOptions({ $select: 'foo/bar' }, recordingList), "Could not find a property named 'foo' on type 'microsoft.graph.callRecording'.");
      expectBadRequest(() => parseQueryOptions({ $select: 'id,' }, recordingList), "Term '' is not valid in a $select or $expand expression.");
    });

    it('refuses $expand of unknown or non-navigation properties', () => {
      expectBadRequest(() => parseQueryOptions({ $expand: 'organizer' }, callRecordGet), "Could not find a property named 'organizer' on type 'microsoft.graph.callRecords.callRecord'.");
      expectBadRequest(() => parseQueryOptions({ $expand: 'sessions($expand=media)' }, callRecordGet), "Could not find a property named 'media' on type 'microsoft.graph.callRecords.session'.");
      expectBadRequest(
        () => parseQueryOptions({ $expand: 'participants_v2($expand=sessions)' }, callRecordGet),
        "Could not find a property named 'sessions' on type 'microsoft.graph.callRecords.callRecord'.",
      );
      expectBadRequest(() => parseQueryOptions({ $expand: 'segments' }, callRecordGet), "Could not find a property named 'segments' on type 'microsoft.graph.callRecords.callRecord'.");
      expectBadRequest(
        () => parseQueryOptions({ $expand: 'Version' }, callRecordGet),
        "Property 'version' on type 'microsoft.graph.callRecords.callRecord' is not a navigation property or complex property. Only navigation properties can be expanded.",
      );
      expectBadRequest(() => parseQueryOptions({ $expand: 'sessions(' }, callRecordGet), 'Found an unbalanced bracket expression.');
    });

    it('refuses bad $top values', () => {
      const invalid = (v: string) => `Invalid value '${v}' for $top query option found. The $top query option requires a non-negative integer value.`;
      for (const value of ['-1', 'abc', '1.5', '', ' 1', '1e3']) {
        expectBadRequest(() => parseQueryOptions({ $top: value }, recordingList), invalid(value));
      }
      expectBadRequest(() => parseQueryOptions({ $top: '0' }, recordingList), "Invalid page size specified: '0'. Must be between 1 and 100 inclusive.");
    });

    it('refuses $count values other than true/false', () => {
      for (const value of ['yes', 'True', '1', '']) {
        expectBadRequest(() => parseQueryOptions({ $count: value }, recordingList), `'${value}' is not a valid count option.`);
      }
    });

    it('refuses a malformed $filter', () => {
      expectBadRequest(
        () => parseQueryOptions({ $filter: "contentCorrelationId eq 'x" }, recordingList),
        "Invalid filter clause: There is an unterminated string literal at position 24 in 'contentCorrelationId eq 'x'.",
      );
    });

    it('refuses a $format that is not offered', () => {
      expectBadRequest(() => parseQueryOptions({ $format: 'application/msword' }, { format: ['text/vtt'] }), "Invalid format 'application/msword'");
    });
  });
});
