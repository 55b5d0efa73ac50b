import { describe, expect, it } from 'vitest';
import { evaluateFilter, filterConditions, getPathCI, parseFilter, pathMatches, sameName, type FilterExpr } from '../../../src/http/odata/filter.js';
import { expectBadRequest } from './helpers.js';

const prop = (...path: string[]) => ({ type: 'property', path });
const str = (value: string) => ({ type: 'literal', kind: 'string', value });

describe('parseFilter', () => {
  it('parses the seed filter on contentCorrelationId (property spelled as sent, + already decoded)', () => {
    expect(parseFilter("contentcorrelationId eq 'e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0'")).toEqual({
      type: 'compare',
      op: 'eq',
      left: prop('contentcorrelationId'),
      right: str('e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0'),
    });
  });

  it('parses property paths with /', () => {
    expect(parseFilter("joinMeetingIdSettings/joinMeetingId eq '1234567890'")).toMatchObject({
      left: prop('joinMeetingIdSettings', 'joinMeetingId'),
    });
    expect(parseFilter("MeetingOrganizer/User/Id eq 'abc'")).toMatchObject({ left: prop('MeetingOrganizer', 'User', 'Id') });
  });

  it('accepts every comparison operator in any case', () => {
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      expect(parseFilter(`a ${op.toUpperCase()} 1`)).toMatchObject({ type: 'compare', op });
    }
  });

  it('parses literals', () => {
    const right = (text: string) => (parseFilter(`x eq ${text}`) as Extract<FilterExpr, { type: 'compare' }>).right;
    expect(right("'it''s'")).toEqual(str("it's"));
    expect(right("''")).toEqual(str(''));
    expect(right('42')).toEqual({ type: 'literal', kind: 'number', value: 42 });
    expect(right('-1.5')).toEqual({ type: 'literal', kind: 'number', value: -1.5 });
    expect(right('2e3')).toEqual({ type: 'literal', kind: 'number', value: 2000 });
    expect(right('true')).toEqual({ type: 'literal', kind: 'boolean', value: true });
    expect(right('FALSE')).toEqual({ type: 'literal', kind: 'boolean', value: false });
    expect(right('null')).toEqual({ type: 'literal', kind: 'null', value: null });
    expect(right('E523D2ED-2966-4b6b-925b-754a88034cc5')).toEqual({
      type: 'literal',
      kind: 'guid',
      value: 'E523D2ED-2966-4b6b-925b-754a88034cc5',
    });
  });

  it('parses DateTimeOffset literals with fractions and offsets', () => {
    const dt = (text: string) => (parseFilter(`startDateTime ge ${text}`) as Extract<FilterExpr, { type: 'compare' }>).right;
    expect(dt('2024-01-01T00:00:00Z')).toEqual({
      type: 'literal',
      kind: 'datetime',
      value: new Date('2024-01-01T00:00:00Z'),
      text: '2024-01-01T00:00:00Z',
    });
    expect(dt('2024-01-01T10:30:00.1234567Z')).toMatchObject({ value: new Date('2024-01-01T10:30:00.123Z') });
    expect(dt('2024-01-01T01:00:00+01:00')).toMatchObject({ value: new Date('2024-01-01T00:00:00Z') });
    expect(dt('2024-01-01T00:00:00-05:30')).toMatchObject({ value: new Date('2024-01-01T05:30:00Z') });
    expect(dt('2024-01-01T00:00Z')).toMatchObject({ value: new Date('2024-01-01T00:00:00Z') });
    expect(dt('2024-01-01t00:00:00z')).toMatchObject({ kind: 'datetime' });
  });

  it('gives and precedence over or, and honours parentheses and not', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toMatchObject({
      type: 'or',
      left: { op: 'eq', left: prop('a') },
      right: { type: 'and', left: { left: prop('b') }, right: { left: prop('c') } },
    });
    expect(parseFilter('(a eq 1 or b eq 2) AND c eq 3')).toMatchObject({
      type: 'and',
      left: { type: 'or' },
      right: { left: prop('c') },
    });
    expect(parseFilter("not contentCorrelationId eq 'x'")).toMatchObject({ type: 'not', operand: { type: 'compare' } });
    expect(parseFilter('NOT (a eq 1 or b eq 2)')).toMatchObject({ type: 'not', operand: { type: 'or' } });
  });

  it('parses any/all lambdas with range variables (list-callRecords doc)', () => {
    expect(parseFilter("participants_v2/any(p:p/id eq '821809f5-0000-0000-0000-3b5136c0e777')")).toEqual({
      type: 'lambda',
      op: 'any',
      collection: prop('participants_v2'),
      variable: 'p',
      predicate: {
        type: 'compare',
        op: 'eq',
        left: { type: 'property', path: ['id'], variable: 'p' },
        right: str('821809f5-0000-0000-0000-3b5136c0e777'),
      },
    });
    expect(parseFilter('tags/ALL( t : t eq 1 )')).toMatchObject({
      op: 'all',
      predicate: { left: { type: 'property', path: [], variable: 't' } },
    });
    expect(parseFilter('sessions/any()')).toMatchObject({ type: 'lambda', variable: null, predicate: null });
  });

  it('parses a property that shares a name with a keyword when followed by /', () => {
    expect(parseFilter('true/x eq 1')).toMatchObject({ left: prop('true', 'x') });
  });

  it('tolerates surrounding and repeated whitespace', () => {
    expect(parseFilter('  a   eq\t1 ')).toMatchObject({ op: 'eq' });
  });

  describe('errors', () => {
    const cases: [string, string][] = [
      ['', 'Invalid filter clause: The filter expression is empty.'],
      ['   ', 'Invalid filter clause: The filter expression is empty.'],
      ["id eq 'abc", "Invalid filter clause: There is an unterminated string literal at position 6 in 'id eq 'abc'."],
      ['id eq #', "Invalid filter clause: Syntax error: character '#' is not valid at position 6 in 'id eq #'."],
      ['id eq 12ab', "Invalid filter clause: Syntax error: character '1' is not valid at position 6 in 'id eq 12ab'."],
      ['id eq', "Invalid filter clause: Expression expected at position 5 in 'id eq'."],
      ['id', "Invalid filter clause: Comparison operator expected at position 2 in 'id'."],
      ["id 'x'", "Invalid filter clause: Syntax error at position 3 in 'id 'x''."],
      ['id eq 1 and', "Invalid filter clause: Expression expected at position 11 in 'id eq 1 and'."],
      ['(id eq 1', "Invalid filter clause: ')' or operator expected at position 8 in '(id eq 1'."],
      ['id eq 1)', "Invalid filter clause: Syntax error at position 7 in 'id eq 1)'."],
      ['id eq )', "Invalid filter clause: Syntax error at position 6 in 'id eq )'."],
      [
        "startswith(id,'a')",
        "Invalid filter clause: An unknown function with name 'startswith' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.",
      ],
      ['a/b(1) eq 1', "Invalid filter clause: Syntax error at position 3 in 'a/b(1) eq 1'."],
      ["a/'b' eq 1", "Invalid filter clause: Property name expected at position 2 in 'a/'b' eq 1'."],
      ['a/ eq 1', "Invalid filter clause: Syntax error at position 6 in 'a/ eq 1'."],
      ['p/any(x x/id eq 1)', "Invalid filter clause: ':' expected at position 8 in 'p/any(x x/id eq 1)'."],
      ['p/any(:x eq 1)', "Invalid filter clause: Range variable expected at position 6 in 'p/any(:x eq 1)'."],
      ['p/any(x:x eq 1', "Invalid filter clause: ')' or operator expected at position 14 in 'p/any(x:x eq 1'."],
      ['p/all()', "Invalid filter clause: The 'all' operator requires a lambda expression in 'p/all()'."],
      ['a eq p/any()', "Invalid filter clause: Syntax error at position 0 in 'a eq p/any()'."],
      ['x ge 2024-13-01T00:00:00Z', "Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '2024-13-01T00:00:00Z' at '5' in 'x ge 2024-13-01T00:00:00Z'."],
      ['x ge 2024-02-30T00:00:00Z', "Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '2024-02-30T00:00:00Z' at '5' in 'x ge 2024-02-30T00:00:00Z'."],
      ['x ge 2024-01-01T00:00:00', "Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '2024-01-01T00:00:00' at '5' in 'x ge 2024-01-01T00:00:00'."],
      ['x ge 2024-01-01T25:00:00Z', "Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '2024-01-01T25:00:00Z' at '5' in 'x ge 2024-01-01T25:00:00Z'."],
      ['x ge 2024-01-01T00:00:00+15:00', "Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '2024-01-01T00:00:00+15:00' at '5' in 'x ge 2024-01-01T00:00:00+15:00'."],
    ];
    it.each(cases)('%j', (text, message) => {
      expectBadRequest(() => parseFilter(text), message);
    });
  });
});

describe('name helpers', () => {
  it('compare property names and paths ignoring case', () => {
    expect(sameName('contentcorrelationId', 'contentCorrelationId')).toBe(true);
    expect(sameName('id', 'ids')).toBe(false);
    expect(pathMatches(['meetingorganizer', 'USER', 'id'], 'MeetingOrganizer/User/Id')).toBe(true);
    expect(pathMatches(['meetingOrganizer', 'user'], ['meetingOrganizer', 'user', 'id'])).toBe(false);
    expect(getPathCI({ A: { b: 1 } }, ['a', 'B'])).toBe(1);
    expect(getPathCI({ a: 1, A: 2 }, ['A'])).toBe(2);
    expect(getPathCI({ a: 'x' }, ['a', 'b'])).toBeUndefined();
  });
});

describe('evaluateFilter', () => {
  const recording = {
    id: 'R1',
    contentCorrelationId: 'e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0',
    createdDateTime: '2024-01-15T10:00:00.1234567Z',
    meetingOrganizer: { user: { id: 'B935E675-5E67-48B9-8D45-249D5F88E964', displayName: null } },
    size: 10,
    isBroadcast: false,
    participants_v2: [{ id: 'p1' }, { id: 'p2' }],
    tags: [1, 2, 3],
  };
  const matches = (text: string, item: unknown = recording) => evaluateFilter(parseFilter(text), item);

  it('matches property names case-insensitively', () => {
    expect(matches("contentcorrelationId eq 'e87c8cf8-50f7-4252-8b9c-ad08ac0fa88d-0'")).toBe(true);
    expect(matches("contentcorrelationId eq 'other'")).toBe(false);
    expect(matches("CONTENTCORRELATIONID ne 'other'")).toBe(true);
  });

  it('compares strings ordinally and GUID literals ignoring case', () => {
    expect(matches("id eq 'r1'")).toBe(false);
    expect(matches("id lt 'S'")).toBe(true);
    expect(matches("id ge 'R1'")).toBe(true);
    expect(matches('MeetingOrganizer/User/Id eq b935e675-5e67-48b9-8d45-249d5f88e964')).toBe(true);
    expect(matches("MeetingOrganizer/User/Id eq 'b935e675-5e67-48b9-8d45-249d5f88e964'")).toBe(false);
  });

  it('compares datetimes as instants against ISO strings and Date values', () => {
    expect(matches('createdDateTime ge 2024-01-01T00:00:00Z')).toBe(true);
    expect(matches('createdDateTime lt 2024-01-15T11:00:00+01:00')).toBe(false);
    expect(matches('createdDateTime gt 2024-01-15T10:00:00.123Z')).toBe(false);
    expect(matches('createdDateTime le 2024-01-15T10:00:00.123Z')).toBe(true);
    expect(matches('createdDateTime gt 2024-01-01T00:00:00Z', { createdDateTime: new Date('2024-02-01T00:00:00Z') })).toBe(true);
    expect(matches('createdDateTime gt 2024-01-01T00:00:00Z', { createdDateTime: 'not a date' })).toBe(false);
    expect(matches('createdDateTime ne 2024-01-01T00:00:00Z', { createdDateTime: 'not a date' })).toBe(true);
  });

  it('compares numbers and booleans, and treats type mismatches as unequal', () => {
    expect(matches('size gt 9 and size le 10')).toBe(true);
    expect(matches('size eq 10.0')).toBe(true);
    expect(matches("size eq '10'")).toBe(false);
    expect(matches("size ne '10'")).toBe(true);
    expect(matches("size lt '10'")).toBe(false);
    expect(matches('isBroadcast eq false')).toBe(true);
    expect(matches('meetingOrganizer eq 1')).toBe(false);
  });

  it('handles null and missing properties', () => {
    expect(matches('meetingOrganizer/user/displayName eq null')).toBe(true);
    expect(matches('missing eq null')).toBe(true);
    expect(matches('id ne null')).toBe(true);
    expect(matches('id eq null')).toBe(false);
    expect(matches('missing gt 1')).toBe(false);
    expect(matches('null eq null')).toBe(true);
  });

  it('evaluates and/or/not', () => {
    expect(matches("id eq 'R1' and size eq 10")).toBe(true);
    expect(matches("id eq 'x' or size eq 10")).toBe(true);
    expect(matches("not (id eq 'x' or size eq 11)")).toBe(true);
    expect(matches("not id eq 'R1'")).toBe(false);
  });

  it('evaluates any/all over arrays', () => {
    expect(matches("participants_v2/any(p:p/id eq 'p2')")).toBe(true);
    expect(matches("participants_v2/any(p:p/ID eq 'p3')")).toBe(false);
    expect(matches("participants_v2/all(p:p/id ne 'p3')")).toBe(true);
    expect(matches('tags/any(t: t gt 2)')).toBe(true);
    expect(matches('tags/all(t: t gt 2)')).toBe(false);
    expect(matches('tags/any()')).toBe(true);
    expect(matches('tags/any()', { tags: [] })).toBe(false);
    expect(matches("missing/any(p:p/id eq 'x')")).toBe(false);
    expect(matches("missing/all(p:p/id eq 'x')")).toBe(true);
    // The lambda body may also refer to the outer item.
    expect(matches("participants_v2/any(p: p/id eq 'p1' and size eq 10)")).toBe(true);
    // Nested lambdas see both variables.
    const nested = { sessions: [{ segments: [{ id: 's1' }] }, { segments: [] }] };
    expect(matches("sessions/any(s: s/segments/any(g: g/id eq 's1'))", nested)).toBe(true);
    expect(matches("sessions/all(s: s/segments/any(g: g/id eq 's1'))", nested)).toBe(false);
  });

  it('uses a custom resolver for every property lookup', () => {
    const calls: string[] = [];
    const resolve = (target: unknown, path: readonly string[]): unknown => {
      calls.push(path.join('/'));
      return path.join('/') === 'MeetingOrganizer/User/Id' ? 'u1' : getPathCI(target, path);
    };
    expect(evaluateFilter(parseFilter("MeetingOrganizer/User/Id eq 'u1'"), {}, resolve)).toBe(true);
    expect(evaluateFilter(parseFilter("xs/any(x: x/id eq 'a')"), { xs: [{ id: 'a' }] }, resolve)).toBe(true);
    expect(calls).toEqual(['MeetingOrganizer/User/Id', 'xs', 'id']);
  });
});

describe('filterConditions', () => {
  it('flattens an and-only tree of comparisons', () => {
    expect(filterConditions(parseFilter("MeetingOrganizer/User/Id eq 'u1' and startDateTime ge 2024-01-01T00:00:00Z and (size lt 5 and 1 lt size)"))).toEqual([
      { path: ['MeetingOrganizer', 'User', 'Id'], op: 'eq', value: 'u1', kind: 'string' },
      { path: ['startDateTime'], op: 'ge', value: new Date('2024-01-01T00:00:00Z'), kind: 'datetime' },
      { path: ['size'], op: 'lt', value: 5, kind: 'number' },
      { path: ['size'], op: 'gt', value: 1, kind: 'number' },
    ]);
  });

  it('mirrors every operator when the literal is on the left', () => {
    const mirrored = (op: string) => filterConditions(parseFilter(`1 ${op} x`))[0]?.op;
    expect(['eq', 'ne', 'lt', 'le', 'gt', 'ge'].map(mirrored)).toEqual(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
  });

  const defaultMessage = "Invalid filter clause: only comparisons of a property with a literal, joined by 'and', are supported.";
  it.each(['a eq 1 or b eq 2', 'not a eq 1', "participants_v2/any(p:p/id eq 'x')", 'a eq b', '1 eq 1', 'a eq 1 and (b eq 2 or c eq 3)'])('rejects %j', (text) => {
    expectBadRequest(() => filterConditions(parseFilter(text)), defaultMessage);
  });

  it('uses a caller-supplied message', () => {
    expectBadRequest(() => filterConditions(parseFilter('a eq 1 or b eq 2'), 'Unsupported filter.'), 'Unsupported filter.');
  });
});
