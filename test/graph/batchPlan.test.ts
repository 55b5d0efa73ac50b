import { describe, expect, it } from 'vitest';
import { MAX_BATCH_STEPS, planBatch, stepTarget, type BatchPlan } from '../../src/graph/batch/plan.js';

const get = (id: string, dependsOn?: string[]): Record<string, unknown> => ({ id, method: 'GET', url: '/me', ...(dependsOn !== undefined ? { dependsOn } : {}) });

function refusal(plan: BatchPlan): { code: string; message: string } {
  if (plan.ok) throw new Error('expected the batch to be refused');
  return plan.refusal;
}

describe('planBatch (the pure half of $batch)', () => {
  it('reads steps: method upper-cased, ids and dependsOn compared without case, headers kept', () => {
    const plan = planBatch({
      requests: [
        { id: 'One', method: 'get', url: 'users/x' },
        { id: 'two', method: 'POST', url: '/subscriptions', headers: { 'Content-Type': 'application/json' }, body: { a: 1 }, dependsOn: ['ONE', 'one'] },
      ],
    });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.steps.map((s) => [s.id, s.key, s.method, s.target, s.dependsOn])).toEqual([
      ['One', 'one', 'GET', { kind: 'path', path: '/users/x' }, []],
      ['two', 'two', 'POST', { kind: 'path', path: '/subscriptions' }, ['one']],
    ]);
    expect(plan.steps[1]!.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(plan.steps[1]!.body).toEqual({ a: 1 });
    expect(plan.steps[0]!.body).toBeUndefined();
  });

  it('refuses a malformed batch with Graph’s message', () => {
    for (const body of [
      null,
      'x',
      [],
      {},
      { requests: null },
      { requests: [] },
      { requests: [1] },
      { requests: [{ id: '', method: 'GET', url: '/me' }] },
      { requests: [{ id: '1', method: 'GET', url: '' }] },
    ]) {
      expect(refusal(planBatch(body))).toEqual({ code: 'BadRequest', message: 'Invalid batch payload format.' });
    }
    for (const step of [
      { id: '1', method: 'TRACE', url: '/me' },
      { id: '1', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' },
      { id: '1', method: 'GET', url: '//graph.microsoft.com/me' },
      { id: '1', method: 'GET', url: '/me', headers: { a: 1 } },
      { id: '1', method: 'GET', url: '/me', headers: [] },
      { id: '1', method: 'GET', url: '/me', dependsOn: '2' },
      { id: '1', method: 'GET', url: '/me', dependsOn: [2] },
      { id: '1', method: 'POST', url: '/me', body: {} },
      { id: '1', method: 'POST', url: '/me', headers: { Accept: 'application/json' }, body: 'aGk=' },
    ]) {
      expect(refusal(planBatch({ requests: [step] })).message, JSON.stringify(step)).toBe('Invalid batch payload format.');
    }
  });

  it(`takes ${MAX_BATCH_STEPS} steps, refuses ${MAX_BATCH_STEPS + 1}`, () => {
    const steps = Array.from({ length: MAX_BATCH_STEPS + 1 }, (_, i) => get(String(i)));
    expect(planBatch({ requests: steps.slice(0, MAX_BATCH_STEPS) }).ok).toBe(true);
    expect(refusal(planBatch({ requests: steps }))).toEqual({ code: 'MaximumValueExceeded', message: 'Number of batch request steps exceeds the maximum value of 20.' });
  });

  it('refuses duplicate ids (without case), unknown and self dependencies, and cycles', () => {
    expect(refusal(planBatch({ requests: [get('a'), get('A')] })).message).toBe('Request Id A has to be unique in a batch.');
    expect(refusal(planBatch({ requests: [get('a'), get('b', ['Zed'])] })).message).toBe('Request Id b depends on Request Id Zed, which is not in the batch.');
    expect(refusal(planBatch({ requests: [get('a', ['A'])] })).message).toBe('Request Id a cannot depend on itself.');
    expect(refusal(planBatch({ requests: [get('a', ['c']), get('b', ['a']), get('c', ['b']), get('d')] })).message).toBe('The dependsOn of the batch requests form a cycle: a -> c -> b -> a.');
    // A diamond is not a cycle.
    expect(planBatch({ requests: [get('a'), get('b', ['a']), get('c', ['a']), get('d', ['b', 'c'])] }).ok).toBe(true);
  });

  it('quotes long ids in part', () => {
    const long = 'x'.repeat(5000);
    expect(refusal(planBatch({ requests: [get(long), get(long)] })).message.length).toBeLessThan(400);
  });
});

describe('stepTarget', () => {
  it('reads step URLs relative to the version, with or without the leading slash', () => {
    expect(stepTarget('/users/x?$select=id')).toEqual({ kind: 'path', path: '/users/x?$select=id' });
    expect(stepTarget('users/x')).toEqual({ kind: 'path', path: '/users/x' });
  });

  it('tells a versioned URL and a nested batch apart', () => {
    expect(stepTarget('/v1.0/users/x')).toEqual({ kind: 'versioned', segment: 'v1.0' });
    expect(stepTarget('BETA/users')).toEqual({ kind: 'versioned', segment: 'BETA' });
    expect(stepTarget('/$batch')).toEqual({ kind: 'nestedBatch' });
    expect(stepTarget('%24batch')).toEqual({ kind: 'nestedBatch' });
    expect(stepTarget('/v1.0x/users')).toEqual({ kind: 'path', path: '/v1.0x/users' });
  });
});
