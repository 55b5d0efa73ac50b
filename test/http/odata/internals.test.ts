import { describe, expect, it } from 'vitest';
import { parseDateTimeOffset } from '../../../src/http/odata/datetime.js';
import { canonicalName, getPropertyCI, isPlainObject } from '../../../src/http/odata/names.js';
import { splitTopLevel } from '../../../src/http/odata/split.js';

describe('splitTopLevel', () => {
  it('splits outside parentheses and quotes', () => {
    expect(splitTopLevel("a,b(c,d),'e,f'", ',')).toEqual(['a', 'b(c,d)', "'e,f'"]);
    expect(splitTopLevel("x('it''s,(')", ',')).toEqual(["x('it''s,(')"]);
    expect(splitTopLevel('', ',')).toEqual(['']);
  });

  it('returns null when unbalanced or unterminated', () => {
    expect(splitTopLevel('a(b', ',')).toBeNull();
    expect(splitTopLevel('a)b(', ',')).toBeNull();
    expect(splitTopLevel("'abc", ',')).toBeNull();
  });

  it('can limit quotes to parentheses and recognise %27', () => {
    expect(splitTopLevel("o'neil/x", '/', { quotesInParensOnly: true })).toEqual(["o'neil", 'x']);
    expect(splitTopLevel('u(%27a/b%27)/c', '/', { quotesInParensOnly: true, percentQuotes: true })).toEqual(['u(%27a/b%27)', 'c']);
  });
});

describe('parseDateTimeOffset', () => {
  it('parses valid literals and refuses impossible ones', () => {
    expect(parseDateTimeOffset('2024-02-29T23:59:59.999Z')).toEqual(new Date('2024-02-29T23:59:59.999Z'));
    expect(parseDateTimeOffset('2023-02-29T00:00:00Z')).toBeNull();
    expect(parseDateTimeOffset('2024-01-01T00:60:00Z')).toBeNull();
    expect(parseDateTimeOffset('2024-01-01T00:00:00+01:60')).toBeNull();
    expect(parseDateTimeOffset('2024-01-01')).toBeNull();
  });
});

describe('names', () => {
  it('finds canonical names and properties ignoring case', () => {
    expect(canonicalName(['id', 'ID'], 'ID')).toBe('ID');
    expect(canonicalName(['callId'], 'CALLID')).toBe('callId');
    expect(canonicalName(['callId'], 'call')).toBeUndefined();
    expect(getPropertyCI({ callId: 1 }, 'callid')).toBe(1);
    expect(getPropertyCI([1], '0')).toBeUndefined();
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(new Date())).toBe(false);
  });
});
