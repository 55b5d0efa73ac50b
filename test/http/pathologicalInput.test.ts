import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, ConfigError } from '../../src/emulator.js';
import { MAX_GRAPH_BODY_DEPTH } from '../../src/http/app.js';
import { appToken, graphFetch } from '../support/clients.js';
import { control, expectControlError } from '../support/control.js';
import { startTestEmulator, storeOptions, tlsDir, type TestEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';

/**
 * Pathological input sent to a running emulator: each request answers a Graph-shaped 4xx (never a 500
 * from a stack overflow), and an error quotes only an excerpt of what was sent. The parsers' own worst
 * cases (100 KB and larger, beyond what fits in a URL) are in odata/pathological.test.ts.
 */

let emu: TestEmulator;
let token: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu);
});
afterAll(async () => emu.stop());

interface GraphErrorJson {
  error: { code: string; message: string };
}

async function graphError(res: Response, status: number): Promise<{ body: GraphErrorJson; size: number }> {
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(status);
  const body = JSON.parse(text) as GraphErrorJson;
  expectGraphError('v1.0', body);
  return { body, size: text.length };
}

const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  graphFetch(emu, path, token, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('deeply nested JSON bodies', () => {
  const shapes: Array<[string, string]> = [
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    [
      `${MAX_GRAPH_BODY_DEPTH + 1} levels inside a real body`,
      JSON.stringify({ resource: 'x', extra: JSON.parse(`${'['.repeat(MAX_GRAPH_BODY_DEPTH)}${']'.repeat(MAX_GRAPH_BODY_DEPTH)}`) as unknown }),
    ],
  ];

  it.each(shapes)('%s: every Graph route with a body answers 400 BadRequest (the JSON-body error), not 500', async (_what, body) => {
    const paths = [
      ['POST', '/v1.0/subscriptions'],
      ['PATCH', '/v1.0/subscriptions/00000000-0000-0000-0000-000000000000'],
      ['POST', `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings`],
      ['POST', `/v1.0/communications/calls/${emu.demo.callId}/updateRecordingStatus`],
    ] as const;
    for (const [method, path] of paths) {
      const res = await graphFetch(emu, path, token, { method, headers: { 'content-type': 'application/json' }, body });
      const { body: error } = await graphError(res, 400);
      expect(error.error.code).toBe('BadRequest');
      expect(error.error.message).toBe(
        `Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. The JSON is nested more than ${MAX_GRAPH_BODY_DEPTH} levels deep.`,
      );
    }
  });

  it.each(['application/json; charset=utf-8', 'application/merge-patch+json', 'application/json;odata.metadata=minimal'])('the check covers JSON sent as %s', async (type) => {
    const res = await post('/v1.0/subscriptions', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, { 'content-type': type });
    expect((await graphError(res, 400)).body.error.message).toMatch(/nested more than 64 levels deep/);
  });

  it(`${MAX_GRAPH_BODY_DEPTH} levels are still read (and then judged by the route)`, async () => {
    const body = JSON.stringify({ subject: 'Deep but allowed', extra: JSON.parse(`${'['.repeat(MAX_GRAPH_BODY_DEPTH - 1)}${']'.repeat(MAX_GRAPH_BODY_DEPTH - 1)}`) as unknown });
    const res = await post(`/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings`, body);
    expect(res.status).not.toBe(500);
    expect((await res.text()).includes('nested more than')).toBe(false);
  });

  it('the control API refuses 100,000 levels with its own 400, before parsing', async () => {
    expectControlError(await control(emu, 'POST', '/tenants', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 400, /nested more than 32 levels deep/);
    expectControlError(await control(emu, 'POST', '/tenants', `{"displayName":"x","s":"${'['.repeat(100)}"}`), 400, "Unknown property 's' in the request body.");
  });
});

describe('$filter recursion over HTTP', () => {
  it.each([
    ['6,000 nested parentheses', `${'('.repeat(6_000)}startDateTime ge 2024-01-01T00:00:00Z${')'.repeat(6_000)}`],
    ['2,000 nots', `${'not%20'.repeat(2_000)}startDateTime ge 2024-01-01T00:00:00Z`],
  ])('%s: 400 "Recursion depth exceeded allowed limit.", not a 500 stack overflow', async (_what, filter) => {
    const { body } = await graphError(await graphFetch(emu, `/v1.0/communications/callRecords?$filter=${filter}`, token), 400);
    expect(body.error.message).toBe('Invalid filter clause: Recursion depth exceeded allowed limit.');
  });
});

describe('the event loop keeps turning under pathological requests', () => {
  /**
   * 60 requests, each with a Range header of 12,000 spaces (what fits under Node's 16 KB header limit
   * with the token). The old Range pattern backtracked quadratically: about 0.15 s of blocked event
   * loop per request on an idle machine, 9 s for the lot, during which /_emulator/health could not answer. The bound of
   * 5 s for everything (the health check included) is far above what the linear parser needs even on
   * a loaded 2-core CI box, and far below the old stall. The 100 ms per request would flake there.
   */
  it('60 Range headers full of spaces and a health check sent with them all answer within 5 s', async () => {
    const list = (await (await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings`, token)).json()) as { value: Array<{ id: string }> };
    const recordingId = list.value[0]?.id;
    expect(recordingId).toBeDefined();
    const content = `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings/${recordingId}/content`;
    const started = performance.now();
    const slow = Array.from({ length: 60 }, (_, i) =>
      graphFetch(emu, content, token, { method: 'HEAD', headers: { range: `bytes=${i}-${' '.repeat(12_000)}x` } }).then((res) => {
        expect(res.status).toBe(200); // a Range we do not understand means "all of it"
        return performance.now() - started;
      }),
    );
    const health = fetch(`${emu.url}/_emulator/health`).then(async (res) => {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      return performance.now() - started;
    });
    const [healthMs, ...slowMs] = await Promise.all([health, ...slow]);
    expect(healthMs).toBeLessThan(5_000);
    expect(Math.max(...slowMs)).toBeLessThan(5_000);
  });
});

describe('error messages quote an excerpt of the input', () => {
  const huge = 'x'.repeat(800_000);
  const url = 'y'.repeat(12_000); // what fits in a URL or a header (Node's limit is 16 KB for all of them)
  const SMALL = 4_096;

  it('an 800 KB body value', async () => {
    const res = await post(`/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings`, JSON.stringify({ subject: 's', startDateTime: huge }));
    const { body, size } = await graphError(res, 400);
    expect(size).toBeLessThan(SMALL);
    expect(body.error.message).toBe(`Cannot convert the literal '${'x'.repeat(200)}… (800000 characters)' to the expected type 'Edm.DateTimeOffset'.`);
  });

  it('a 12 KB query option', async () => {
    const { body, size } = await graphError(await graphFetch(emu, `/v1.0/communications/callRecords?$filter=${url}%20eq`, token), 400);
    expect(size).toBeLessThan(SMALL);
    expect(body.error.message).toBe(`Invalid filter clause: Expression expected at position 12003 in '${'y'.repeat(200)}… (12003 characters)'.`);
  });

  it('a 12 KB header', async () => {
    const res = await post(`/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings`, '{}', { 'content-type': `text/${url}` });
    const { body, size } = await graphError(res, 415);
    expect(size).toBeLessThan(SMALL);
    expect(body.error.message).toContain(`'text/${'y'.repeat(195)}… (12005 characters)'`);
  });

  it('a 12 KB path', async () => {
    const { body, size } = await graphError(await graphFetch(emu, `/v1.0/${url}`, token), 501);
    expect(size).toBeLessThan(SMALL);
    expect(body.error.message).toContain('… (12006 characters)');
  });

  it('an 800 KB control-API value and an 800 KB token-request value', async () => {
    const clock = await control(emu, 'POST', '/clock', { set: huge });
    expectControlError(clock, 400, `'${'x'.repeat(200)}… (800000 characters)' is not an ISO 8601 date and time`);
    expect(clock.text.length).toBeLessThan(SMALL);
    const res = await fetch(`${emu.url}/${emu.demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: huge, client_id: emu.demo.clientId, scope: 'https://graph.microsoft.com/.default' }),
    });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    expect(text.length).toBeLessThan(SMALL);
  });
});

describe('recordingSizeBytes has a cap', () => {
  let small: TestEmulator;
  beforeAll(async () => {
    small = await startTestEmulator({ maxRecordingSizeBytes: 100_000 });
  });
  afterAll(async () => small.stop());

  it('a larger recordingSizeBytes is a 400 naming the cap, for simulate, ad hoc calls and bot recordings; at the cap it is made', async () => {
    const cap = /recordingSizeBytes 100001 is larger than this emulator's maximum of 100000 bytes/;
    expectControlError(await control(small, 'POST', `/meetings/${small.demo.meetingId}/simulate`, { recordingSizeBytes: 100_001 }), 400, cap);
    expectControlError(
      await control(small, 'POST', `/tenants/${small.demo.tenantId}/adhocCalls`, { organizerId: small.demo.organizerUserId, participantIds: [small.demo.users[1]!.id], recordingSizeBytes: 100_001 }),
      400,
      cap,
    );
    expectControlError(await control(small, 'POST', `/calls/${small.demo.callId}/botRecordings`, { clientId: small.demo.clientId, recordingSizeBytes: 100_001 }), 400, cap);
    const made = await control(small, 'POST', `/meetings/${small.demo.meetingId}/simulate`, { recordingSizeBytes: 100_000, transcript: false });
    expect(made.status, made.text).toBe(201);
  });

  it('the default cap is 1 GiB', async () => {
    expectControlError(await control(emu, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, { recordingSizeBytes: 1024 ** 3 + 1 }), 400, /larger than this emulator's maximum of 1073741824 bytes/);
  });

  it.each([-1, 1.5, 64 * 1024 ** 3 + 1])('maxRecordingSizeBytes %s is refused at start', async (bad) => {
    const { options, cleanup } = storeOptions(false);
    try {
      await expect(createEmulator({ port: 0, tlsDir: tlsDir(), ...options, maxRecordingSizeBytes: bad })).rejects.toThrow(ConfigError);
    } finally {
      cleanup();
    }
  });
});
