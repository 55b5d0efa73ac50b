import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appToken, graphClient, graphFetch } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';
import { control, expectControlError, obj, value } from '../support/control.js';

interface Fault {
  id: string;
  path: string;
  method?: string;
  status?: number;
  hits: number;
  exhausted: boolean;
  count?: number;
}

let emu: TestEmulator;
let token: string;
let meetingPath: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu);
  meetingPath = `/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`;
});
afterAll(async () => emu.stop());
afterEach(async () => {
  expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
});

async function addFault(body: Record<string, unknown>): Promise<Fault> {
  const res = await control(emu, 'POST', '/faults', body);
  expect(res.status, res.text).toBe(201);
  return res.json as Fault;
}
const fault = async (id: string): Promise<Fault> => (await control(emu, 'GET', `/faults/${id}`)).json as Fault;

describe('throttling and errors recovered by the official client', () => {
  it.each([
    [429, 'TooManyRequests'],
    [503, 'serviceNotAvailable'],
  ])('%i twice with Retry-After: graph-client’s RetryHandler waits, retries and succeeds', async (status) => {
    const rule = await addFault({ path: `/v1.0${meetingPath}`, status, count: 2, retryAfterSeconds: 1 });
    const started = Date.now();
    const meeting = (await graphClient(emu).api(meetingPath).get()) as { id: string };
    const elapsed = Date.now() - started;
    expect(meeting.id).toBe(emu.demo.meetingId);
    expect(await fault(rule.id)).toMatchObject({ hits: 2, exhausted: true });
    expect(elapsed).toBeGreaterThanOrEqual(2 * 1000 - 50); // it honoured Retry-After twice
    // Used up: the next call goes straight through.
    expect((await graphFetch(emu, `/v1.0${meetingPath}`, token)).status).toBe(200);
    expect((await fault(rule.id)).hits).toBe(2);
  });

  it('the fault is a Graph error: envelope, Retry-After and request-id', async () => {
    await addFault({ path: '/v1.0/users/*', status: 429 });
    const res = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1'); // Graph always sends one
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { error: { code: string } };
    expectGraphError('v1.0', body);
    expect(body.error.code).toBe('TooManyRequests');
  });

  it.each([500, 502, 503, 504, 403, 404])('status %i answers with a valid ODataError', async (status) => {
    await addFault({ path: '/v1.0/users/*', status, retryAfterSeconds: 7 });
    const res = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token);
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('7');
    expectGraphError('v1.0', await res.json());
  });
});

describe('matching', () => {
  it('a pattern built to make a backtracking matcher explode neither stalls requests nor matches wrongly', async () => {
    const rule = await addFault({ path: '/v1.0/*a*a*a*a*a*a*a*a*a*a*a*a*b', status: 503 });
    // Before the glob scanner, this 2,000-character path blocked every request for far longer than the test timeout.
    const res = await graphFetch(emu, `/v1.0/users/${'a'.repeat(2_000)}`, token);
    expect(res.status).toBe(404);
    expect((await fault(rule.id)).hits).toBe(0);
    expect((await graphFetch(emu, `/v1.0/users/${'a'.repeat(100)}b`, token)).status).toBe(503);
  });

  it('a pattern near the cap (1,999 characters, 997 stars) against a path as long as a request line allows still answers at once', async () => {
    const rule = await addFault({ path: `/v1.0${'*a'.repeat(996)}*b`, status: 503 });
    // Segments stay short (a long one is a 414 before any hook runs); the path is 12 KB.
    expect((await graphFetch(emu, `/v1.0/${'a/'.repeat(500)}${'c/'.repeat(5_500)}`, token)).status).toBe(501);
    expect((await fault(rule.id)).hits).toBe(0);
    expect((await graphFetch(emu, `/v1.0/${'a/'.repeat(5_500)}b`, token)).status).toBe(503);
    expect((await fault(rule.id)).hits).toBe(1);
  });

  it('latency delays the request, which then succeeds', async () => {
    const rule = await addFault({ path: `/v1.0${meetingPath}`, latencyMs: 400 });
    const started = Date.now();
    const res = await graphFetch(emu, `/v1.0${meetingPath}`, token);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect((await fault(rule.id)).hits).toBe(1);
    // Other paths are not delayed: the rule does not match them (its hit count stays), no stopwatch needed.
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
    expect((await fault(rule.id)).hits).toBe(1);
  });

  it('probability 0 never fires; probability 1 always does', async () => {
    const never = await addFault({ path: '/v1.0/users/*', status: 500, probability: 0 });
    for (let i = 0; i < 20; i += 1) expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
    expect((await fault(never.id)).hits).toBe(0);
    const always = await addFault({ path: '/v1.0/users/*', status: 500, probability: 1 });
    for (let i = 0; i < 5; i += 1) expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(500);
    expect((await fault(always.id)).hits).toBe(5);
  });

  it('a method filter leaves other methods alone', async () => {
    const postOnly = await addFault({ path: '/v1.0/users/*', method: 'post', status: 503 });
    expect(postOnly.method).toBe('POST');
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
    expect((await fault(postOnly.id)).hits).toBe(0);
    const created = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings`, token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'x' }),
    });
    expect(created.status).toBe(503);
    expect((await fault(postOnly.id)).hits).toBe(1);
  });

  it('matches the path case-insensitively, after percent-decoding and OData key rewriting, and ignores the query', async () => {
    const upn = emu.demo.users[0]!.userPrincipalName;
    const rule = await addFault({ path: `/V1.0/USERS/${upn}`, status: 500 });
    expect((await graphFetch(emu, `/v1.0/users/${encodeURIComponent(upn)}?$select=id`, token)).status).toBe(500);
    expect((await graphFetch(emu, `/v1.0/users('${upn}')`, token)).status).toBe(500);
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
    expect((await fault(rule.id)).hits).toBe(2);
  });

  it('the control API is never faulted; the identity endpoints are', async () => {
    await addFault({ path: '*', status: 500 });
    expect((await control(emu, 'GET', '/health')).status).toBe(200);
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(500);
    await expect(appToken(emu)).rejects.toThrow(/500/);
  });

  it('DELETE /faults/{id} removes one rule and DELETE /faults clears them all', async () => {
    const a = await addFault({ path: '/v1.0/users/*', status: 500 });
    const b = await addFault({ path: '/v1.0/me', status: 500 });
    expect(value<Fault>(await control(emu, 'GET', '/faults')).map((f) => f.id)).toEqual([a.id, b.id]);
    expect((await control(emu, 'DELETE', `/faults/${a.id}`)).status).toBe(204);
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
    expectControlError(await control(emu, 'DELETE', `/faults/${a.id}`), 404);
    expectControlError(await control(emu, 'GET', `/faults/${a.id}`), 404);
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
    expect(value(await control(emu, 'GET', '/faults'))).toEqual([]);
  });

  it('reset clears the faults', async () => {
    await addFault({ path: '/v1.0/users/*', status: 500 });
    expect((await control(emu, 'POST', '/reset')).status).toBe(200);
    expect(value(await control(emu, 'GET', '/faults'))).toEqual([]);
    expect((await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token)).status).toBe(200);
  });
});

describe('validation', () => {
  it.each([
    ['no path', { status: 500 }],
    ['a path not starting with / or *', { path: 'v1.0/users', status: 500 }],
    ['a success status', { path: '/v1.0/*', status: 200 }],
    ['a status beyond 599', { path: '/v1.0/*', status: 600 }],
    ['neither status nor latency', { path: '/v1.0/*' }],
    ['zero latency and no status', { path: '/v1.0/*', latencyMs: 0 }],
    ['a probability above 1', { path: '/v1.0/*', status: 500, probability: 2 }],
    ['a count of 0', { path: '/v1.0/*', status: 500, count: 0 }],
    ['an unknown method', { path: '/v1.0/*', status: 500, method: 'FETCH' }],
    ['a negative Retry-After', { path: '/v1.0/*', status: 429, retryAfterSeconds: -1 }],
    ['an unknown property', { path: '/v1.0/*', status: 500, times: 2 }],
    ['a string status', { path: '/v1.0/*', status: '500' }],
    // The pattern is matched against every request's path: its size is capped (the matcher is linear in both).
    ['a path pattern longer than 2,000 characters', { path: `/${'*a'.repeat(1_000)}`, status: 500 }],
  ])('refuses %s with 400', async (_why, body) => {
    expectControlError(await control(emu, 'POST', '/faults', body), 400);
    expect(value(await control(emu, 'GET', '/faults'))).toEqual([]);
  });

  it('echoes the rule it created', async () => {
    const rule = obj(await control(emu, 'POST', '/faults', { path: '/v1.0/*', status: 429, count: 3, retryAfterSeconds: 2, probability: 0.5 }));
    expect(rule).toMatchObject({ path: '/v1.0/*', status: 429, count: 3, retryAfterSeconds: 2, probability: 0.5, hits: 0, exhausted: false });
    expect(rule['id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
