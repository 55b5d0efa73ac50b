import { describe, expect, it } from 'vitest';
import { parseExpand } from '../../../src/http/odata/expand.js';
import { expectBadRequest } from './helpers.js';

describe('parseExpand', () => {
  it('parses the callRecord seed forms', () => {
    expect(parseExpand('sessions($expand=segments)')).toEqual([{ name: 'sessions', options: {}, expand: [{ name: 'segments', options: {} }] }]);
    expect(parseExpand('participants_v2')).toEqual([{ name: 'participants_v2', options: {} }]);
  });

  it('parses comma lists and nested options separated by ;', () => {
    expect(parseExpand('participants_v2($top=10;$select=id,identity), sessions($expand=segments($select=id);$count=true)')).toEqual([
      { name: 'participants_v2', options: {}, top: 10, select: ['id', 'identity'] },
      {
        name: 'sessions',
        options: {},
        count: true,
        expand: [{ name: 'segments', options: {}, select: ['id'] }],
      },
    ]);
  });

  it('accepts option names without $ and in any case, and keeps other options raw', () => {
    expect(parseExpand('sessions(EXPAND=segments;$OrderBy=startDateTime desc;$skip=2;$levels=max;$search="x")')).toEqual([
      {
        name: 'sessions',
        expand: [{ name: 'segments', options: {} }],
        options: { orderby: 'startDateTime desc', skip: '2', levels: 'max', search: '"x"' },
      },
    ]);
  });

  it('parses a nested $filter, with quotes hiding commas, semicolons and parens', () => {
    const [item] = parseExpand("participants_v2($filter=id eq 'a,b;c)d'), sessions");
    expect(item?.filter).toEqual({
      type: 'compare',
      op: 'eq',
      left: { type: 'property', path: ['id'] },
      right: { type: 'literal', kind: 'string', value: 'a,b;c)d' },
    });
  });

  it('accepts *, empty parentheses, paths and surrounding spaces', () => {
    expect(parseExpand('*')).toEqual([{ name: '*', options: {} }]);
    expect(parseExpand(' sessions () ')).toEqual([{ name: 'sessions', options: {} }]);
    expect(parseExpand('sessions/segments')).toEqual([{ name: 'sessions/segments', options: {} }]);
    expect(parseExpand('sessions($expand=segments;)')).toMatchObject([{ expand: [{ name: 'segments' }] }]);
  });

  it.each([
    ['sessions($expand=segments', 'Found an unbalanced bracket expression.'],
    ['sessions)', 'Found an unbalanced bracket expression.'],
    ["sessions($filter=id eq 'x)", 'Found an unbalanced bracket expression.'],
    ['', "Term '' is not valid in a $select or $expand expression."],
    ['sessions,,segments', "Term '' is not valid in a $select or $expand expression."],
    ['sessions($foo=1)', "Term 'sessions($foo=1)' is not valid in a $select or $expand expression."],
    ['sessions(segments)', "Term 'sessions(segments)' is not valid in a $select or $expand expression."],
    ['sessions(=1)', "Term 'sessions(=1)' is not valid in a $select or $expand expression."],
    ['ses sions', "Term 'ses sions' is not valid in a $select or $expand expression."],
    ['sessions(a)(b)', "Term 'sessions(a)(b)' is not valid in a $select or $expand expression."],
    ['sessions($top=-1)', "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value."],
    ['sessions($count=yes)', "'yes' is not a valid count option."],
    ['sessions($select=a,,b)', "Term '' is not valid in a $select or $expand expression."],
    ['sessions($filter=id eq)', "Invalid filter clause: Expression expected at position 5 in 'id eq'."],
    ['sessions($expand=segments($top=x))', "Invalid value 'x' for $top query option found. The $top query option requires a non-negative integer value."],
    ['sessions($top=1;$TOP=2)', "Query option '$top' was specified more than once, but it must be specified at most once."],
    ['sessions($orderby=a;orderby=b)', "Query option '$orderby' was specified more than once, but it must be specified at most once."],
  ])('rejects %j', (text, message) => {
    expectBadRequest(() => parseExpand(text), message);
  });
});
