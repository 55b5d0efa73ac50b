import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../src/graph/artifacts/content.js';
import { GraphError } from '../../../src/http/errors.js';
import { MAX_EXPAND_DEPTH, parseExpand } from '../../../src/http/odata/expand.js';
import { evaluateFilter, filterConditions, MAX_FILTER_DEPTH, parseFilter, type FilterExpr } from '../../../src/http/odata/filter.js';
import { parseFunctionCall } from '../../../src/http/odata/functionCall.js';
import { excerpt } from '../../../src/runtime/excerpt.js';
import { jsonNestsDeeperThan } from '../../../src/runtime/jsonDepth.js';

/**
 * The worst inputs known for each parser, fed to the functions directly. Two kinds of failure:
 * recursion (a stack overflow is a RangeError, which the server answered with 500) is asserted by
 * the outcome, a Graph-shaped 400 or a result. Backtracking (quadratic or worse) is bounded by
 * elapsed time, because a synchronous call cannot be interrupted by vitest's timeout: a test that
 * blocks for 14 s still passes once it returns. The bound is generous (2 s, for a loaded 2-core CI
 * box) and the inputs are sized so the old code took 8 s or more on an idle machine, while the linear
 * code takes milliseconds.
 */
const GENEROUS_MS = 2_000;

function elapsedMs(run: () => unknown): number {
  const started = performance.now();
  try {
    run();
  } catch {
    // Refusing is fine; only the time counts here.
  }
  return performance.now() - started;
}

function graphError(run: () => unknown): GraphError {
  try {
    run();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(GraphError);
    return err as GraphError;
  }
  throw new Error('expected a GraphError');
}

function depth(expr: FilterExpr): number {
  switch (expr.type) {
    case 'and':
    case 'or':
      return 1 + Math.max(depth(expr.left), depth(expr.right));
    case 'not':
      return 1 + depth(expr.operand);
    case 'lambda':
      return 1 + (expr.predicate === null ? 0 : depth(expr.predicate));
    case 'compare':
      return 1;
  }
}

describe('$filter recursion', () => {
  it.each([
    ['100,000 nested parentheses', `${'('.repeat(100_000)}a eq 1${')'.repeat(100_000)}`],
    ['100,000 nots', `${'not '.repeat(100_000)}a eq 1`],
    ['100,000 unclosed parentheses', '('.repeat(100_000)],
    ['nested lambdas', `${'a/any(x:x/'.repeat(20_000)}b eq 1${')'.repeat(20_000)}`],
  ])('%s: a 400 saying the recursion limit was exceeded, not a stack overflow', (_what, text) => {
    const err = graphError(() => parseFilter(text));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid filter clause: Recursion depth exceeded allowed limit.');
  });

  it(`nesting up to ${MAX_FILTER_DEPTH} levels still parses`, () => {
    expect(parseFilter(`${'('.repeat(MAX_FILTER_DEPTH)}a eq 1${')'.repeat(MAX_FILTER_DEPTH)}`)).toMatchObject({ type: 'compare' });
    expect(parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH)}a eq 1`)).toMatchObject({ type: 'not' });
    expect(() => parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a eq 1`)).toThrow(/Recursion depth exceeded/);
  });

  it('a chain of 100,000 comparisons is a shallow tree, so evaluating it and listing its conditions do not overflow', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `a eq ${i % 2}`).join(' or ');
    const expr = parseFilter(text);
    expect(depth(expr)).toBeLessThanOrEqual(18); // log2(100,000) + 1
    expect(evaluateFilter(expr, { a: 1 })).toBe(true);
    expect(evaluateFilter(expr, { a: 2 })).toBe(false);
    const conditions = filterConditions(parseFilter(Array.from({ length: 100_000 }, (_, i) => `p${i} eq ${i}`).join(' and ')));
    expect(conditions).toHaveLength(100_000);
    // Still in the order written.
    expect(conditions[0]).toMatchObject({ path: ['p0'], value: 0 });
    expect(conditions[99_999]).toMatchObject({ path: ['p99999'], value: 99_999 });
  });

  it('a 1 MB string literal and a 1 MB unterminated one are scanned quote to quote, and the error quotes an excerpt', () => {
    const long = 'x'.repeat(1024 * 1024);
    expect(parseFilter(`a eq '${long}''${long}'`)).toMatchObject({ right: { value: `${long}'${long}` } });
    const err = graphError(() => parseFilter(`a eq '${long}`));
    expect(err.message).toMatch(/^Invalid filter clause: There is an unterminated string literal at position 5 in 'a eq 'x+… \(1048582 characters\)'\.$/);
    expect(err.message.length).toBeLessThan(400);
  });
});

describe('$expand', () => {
  it('100,000 nested $expand levels: a 400 naming the maximum depth, not a stack overflow', () => {
    const err = graphError(() => parseExpand(`${'a($expand='.repeat(100_000)}b${')'.repeat(100_000)}`));
    expect(err.message).toBe(`The request includes a $expand path which is too deep. The maximum depth allowed is ${MAX_EXPAND_DEPTH}.`);
    expect(parseExpand(`${'a($expand='.repeat(MAX_EXPAND_DEPTH - 1)}b${')'.repeat(MAX_EXPAND_DEPTH - 1)}`)[0]?.name).toBe('a');
  });

  it('a run of 100,000 spaces inside an item is refused at once (the old pattern backtracked over it for 14 s)', () => {
    const text = `sessions${' '.repeat(100_000)}x`;
    expect(elapsedMs(() => parseExpand(text))).toBeLessThan(GENEROUS_MS);
    expect(graphError(() => parseExpand(text)).message).toMatch(/^Term 'sessions {192}… \(100009 characters\)' is not valid in a \$select or \$expand expression\.$/);
    // The hand split means what the pattern meant.
    expect(parseExpand('sessions  ($select=id)')).toEqual([{ name: 'sessions', select: ['id'], options: {} }]);
    expect(parseExpand('sessions   ')).toEqual([{ name: 'sessions', options: {} }]);
    expect(() => parseExpand('sessions($select=id)($select=id)')).toThrow(/is not valid/);
    expect(() => parseExpand('sessions(x')).toThrow(/unbalanced/);
  });
});

describe('function parameters and headers', () => {
  it('a parameter value with 100,000 spaces inside is read linearly (the old pattern took 8 s)', () => {
    const segment = `getAllRecordings(meetingOrganizerUserId='a${' '.repeat(100_000)}b', startDateTime=2024-01-01T00:00:00Z   )`;
    expect(elapsedMs(() => parseFunctionCall(segment))).toBeLessThan(GENEROUS_MS);
    const call = parseFunctionCall(segment);
    expect(call?.params['meetingOrganizerUserId']).toBe(`a${' '.repeat(100_000)}b`);
    expect(call?.params['startDateTime']).toBe('2024-01-01T00:00:00Z');
  });

  it('10,000 parameters are checked for repeats in one pass', () => {
    const params = Array.from({ length: 10_000 }, (_, i) => `p${i}=${i}`);
    expect(elapsedMs(() => parseFunctionCall(`f(${params.join(',')})`))).toBeLessThan(GENEROUS_MS);
    expect(Object.keys(parseFunctionCall(`f(${params.join(',')})`)?.params ?? {})).toHaveLength(10_000);
    expect(() => parseFunctionCall(`f(${params.join(',')},P9999=1)`)).toThrow("The parameter 'P9999' was specified more than once in 'f'.");
  });

  it('a Range header with runs of spaces is parsed linearly (the old pattern took seconds at 100 KB)', () => {
    for (const header of [`bytes=1-${' '.repeat(100_000)}x`, `bytes=${' '.repeat(100_000)}x`, `bytes${' '.repeat(100_000)}=1-2 x`]) {
      expect(elapsedMs(() => parseRange(header, 100))).toBeLessThan(GENEROUS_MS);
      expect(parseRange(header, 100)).toBeUndefined();
    }
    // The same meaning as before.
    expect(parseRange(' Bytes = 10 - 19 ', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('bytes=200-300', 100)).toBe('unsatisfiable');
    expect(parseRange('items=1-2', 100)).toBeUndefined();
  });
});

describe('excerpt', () => {
  it('keeps short values, cuts long ones to 200 characters plus … and the length', () => {
    expect(excerpt('short')).toBe('short');
    expect(excerpt('x'.repeat(200))).toBe('x'.repeat(200));
    expect(excerpt('x'.repeat(800_000))).toBe(`${'x'.repeat(200)}… (800000 characters)`);
    expect(excerpt('abcdef', 3)).toBe('abc… (6 characters)');
  });

  it('never cuts a surrogate pair in half', () => {
    const cut = excerpt(`${'x'.repeat(199)}😀${'y'.repeat(10)}`);
    expect(cut).toBe(`${'x'.repeat(199)}… (211 characters)`);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
  });
});

describe('jsonNestsDeeperThan', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonNestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":{"c":{}}}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: '[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: 'a\\"[[[[[["' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(`[${JSON.stringify('\\')}, [[[]]]]`, 3)).toBe(true);
    // Siblings do not add up.
    expect(jsonNestsDeeperThan(`[${'[],'.repeat(100_000)}[]]`, 2)).toBe(false);
    expect(jsonNestsDeeperThan('['.repeat(1_000_000), 64)).toBe(true);
  });
});
