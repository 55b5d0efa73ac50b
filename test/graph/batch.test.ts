import { BatchRequestContent as ClientBatchRequestContent, BatchResponseContent as ClientBatchResponseContent } from '@microsoft/microsoft-graph-client';
import { BaseGraphRequestAdapter, BatchRequestContent as KiotaBatchRequestContent } from '@microsoft/msgraph-sdk-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphClient } from '../support/clients.js';
import { control as rawControl } from '../support/control.js';
import { startTestEmulator, useEmulator } from '../support/emulator.js';
import { expectGraphError, expectGraphType } from '../support/graphSchema.js';
import { simulate, sha256, type Simulation } from './support/artifacts.js';
import { control, expectGraphFailure, graph, mintToken, VERSIONS, type GraphResponse, type Version } from './support/http.js';

type Json = Record<string, unknown>;
interface StepResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const emu = useEmulator();
let adele: string;
let meetingId: string;
let appToken: string;
let sim: Simulation;

beforeAll(async () => {
  adele = emu.demo.organizerUserId;
  meetingId = emu.demo.meetingId;
  appToken = await mintToken(emu);
  sim = await simulate(emu, meetingId);
});

afterEach(async () => {
  expect([200, 204]).toContain((await rawControl(emu, 'DELETE', '/faults')).status);
});

/** POST /{version}/$batch with a JSON body (or raw text), token optional. */
async function batch(body: unknown, v: Version = 'v1.0', token: string | undefined = appToken): Promise<GraphResponse> {
  return graph(emu, `/${v}/$batch`, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function steps(body: unknown, v: Version = 'v1.0', token: string | undefined = appToken): Promise<Map<string, StepResponse>> {
  const res = await batch(body, v, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const responses = res.body['responses'] as StepResponse[];
  expect(Array.isArray(responses)).toBe(true);
  return new Map(responses.map((r) => [r.id, r]));
}

const step = (id: string, url: string, extra: Json = {}): Json => ({ id, method: 'GET', url, ...extra });

function expectBatchRefused(res: { status: number; body: Json }, code: string, message: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expectGraphError('v1.0', res.body);
  const error = res.body['error'] as { code: string; message: string };
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

function expectStepError(r: StepResponse | undefined, status: number, code: string, message?: string | RegExp): void {
  expect(r, 'step response').toBeDefined();
  expect(r!.status, JSON.stringify(r!.body)).toBe(status);
  expect(r!.headers['Content-Type']).toMatch(/^application\/json/);
  expectGraphError('v1.0', r!.body);
  const error = (r!.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message !== undefined) expect(error.message).toMatch(message);
}

describe.each(VERSIONS)('POST /%s/$batch', (v: Version) => {
  it('answers each step as its own request through graph-client’s BatchRequestContent / BatchResponseContent', async () => {
    // graph-client 3.0.7 strips only scheme and host, so the documented workaround for Node
    // (https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/1451) is a URL without the version.
    const base = emu.url;
    const content = new ClientBatchRequestContent([
      { id: 'user', request: new Request(`${base}/users/${adele}`, { method: 'GET' }) },
      { id: 'meeting', request: new Request(`${base}/users/${adele}/onlineMeetings/${meetingId}`, { method: 'GET' }) },
      { id: 'missing', request: new Request(`${base}/users/${adele}/onlineMeetings/nope`, { method: 'GET' }) },
      // With the version, the step URL keeps `/v1.0` and Graph answers that step 400 (issue 1178 there).
      { id: 'versioned', request: new Request(`${base}/${v}/users/${adele}`, { method: 'GET' }) },
    ]);
    const payload = await content.getContent();
    expect(payload.requests.map((r) => r.url)).toEqual([`/users/${adele}`, `/users/${adele}/onlineMeetings/${meetingId}`, `/users/${adele}/onlineMeetings/nope`, `/${v}/users/${adele}`]);
    const answer = (await graphClient(emu, undefined, v).api('/$batch').post(payload)) as Json;
    const responses = new ClientBatchResponseContent(answer as never);

    const meeting = responses.getResponseById('meeting');
    expect(meeting.status).toBe(200);
    const meetingBody = (await meeting.json()) as Json;
    expectGraphType(v, 'microsoft.graph.onlineMeeting', meetingBody);
    expect(meetingBody['id']).toBe(meetingId);
    // Links are built from the batch's own origin (https), as a direct request would have them.
    expect(meetingBody['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings/$entity`);

    const direct = await graph(emu, `/${v}/users/${adele}`, appToken);
    const user = responses.getResponseById('user');
    expect(user.status).toBe(200);
    expect(await user.json()).toEqual(direct.body);

    const missing = responses.getResponseById('missing');
    expect(missing.status).toBe(404);
    const missingBody = (await missing.json()) as Json;
    expectGraphError(v, missingBody);
    expect(missingBody).toMatchObject({ error: { code: 'NotFound' } });

    const versioned = responses.getResponseById('versioned');
    expect(versioned.status).toBe(400);
    expect(await versioned.json()).toMatchObject({ error: { code: 'BadRequest', message: `Resource not found for the segment '${v}'.` } });
  });

  it('answers Kiota’s @microsoft/msgraph-sdk-core BatchRequestContent, binary content base64 as Graph sends it', async () => {
    const adapter = new BaseGraphRequestAdapter('', '1.0.0', {
      authenticateRequest: async (request) => {
        request.headers.add('Authorization', `Bearer ${appToken}`);
      },
    });
    adapter.baseUrl = `${emu.url}/${v}`;
    const errorMappings = { XXX: () => () => ({}) };
    const content = new KiotaBatchRequestContent(adapter, errorMappings);
    const contentPath = `/users/${adele}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`;
    content.addRequests([
      { id: '1', method: 'GET', url: `/users/${adele}` },
      { id: '2', method: 'GET', url: contentPath, dependsOn: ['1'] },
    ]);
    const result = await content.postAsync();
    expect(result).toBeDefined();
    const codes = await result!.getResponsesStatusCodes();
    expect([...codes.entries()].sort()).toEqual([
      ['1', 200],
      ['2', 200],
    ]);
    const bytes = result!.getResponseById('2')!.body as ArrayBuffer;
    const direct = await fetch(`${emu.url}/${v}${contentPath}`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(direct.status).toBe(200);
    const directBytes = new Uint8Array(await direct.arrayBuffer());
    expect(directBytes.length).toBeGreaterThan(0);
    expect(sha256(new Uint8Array(bytes))).toBe(sha256(directBytes));
  });

  it('sends a step’s binary body base64 in `body`, with its Content-Type, as a direct GET would', async () => {
    const contentPath = `users/${adele}/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`;
    const answered = await steps({ requests: [step('vtt', contentPath), step('mp4', `/users/${adele}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`)] }, v);
    for (const [id, path] of [
      ['vtt', `/${contentPath}`],
      ['mp4', `/users/${adele}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`],
    ] as const) {
      const direct = await fetch(`${emu.url}/${v}${path}`, { headers: { authorization: `Bearer ${appToken}` } });
      const r = answered.get(id)!;
      expect(r.status).toBe(200);
      expect(r.headers['Content-Type']).toBe(direct.headers.get('content-type'));
      expect(typeof r.body).toBe('string');
      expect(sha256(Buffer.from(r.body as string, 'base64'))).toBe(sha256(new Uint8Array(await direct.arrayBuffer())));
    }
  });
});

describe('whole-batch refusals: 400 in Graph’s error shape', () => {
  it('more than 20 steps: MaximumValueExceeded', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => step(String(i), '/me'));
    expectBatchRefused(await batch({ requests }), 'MaximumValueExceeded', 'Number of batch request steps exceeds the maximum value of 20.');
    // 20 is fine.
    expect((await steps({ requests: requests.slice(0, 20) })).size).toBe(20);
  });

  it('duplicate ids, compared without case', async () => {
    expectBatchRefused(await batch({ requests: [step('a', `/users/${adele}`), step('A', `/users/${adele}`)] }), 'BadRequest', 'Request Id A has to be unique in a batch.');
  });

  it('dependsOn an id not in the batch', async () => {
    expectBatchRefused(await batch({ requests: [step('1', `/users/${adele}`), step('2', `/users/${adele}`, { dependsOn: ['9'] })] }), 'BadRequest', /Request Id 2 depends on Request Id 9/);
  });

  it('dependsOn cycles', async () => {
    const requests = [step('1', `/users/${adele}`, { dependsOn: ['3'] }), step('2', `/users/${adele}`, { dependsOn: ['1'] }), step('3', `/users/${adele}`, { dependsOn: ['2'] })];
    expectBatchRefused(await batch({ requests }), 'BadRequest', /cycle: 1 -> 3 -> 2 -> 1/);
    expectBatchRefused(await batch({ requests: [step('1', `/users/${adele}`, { dependsOn: ['1'] })] }), 'BadRequest', /cannot depend on itself/);
  });

  it('a body that is not JSON, or has no requests array, or an empty one', async () => {
    const notJson = await batch('{"requests": [');
    expect(notJson.status).toBe(400);
    expectGraphError('v1.0', notJson.body);
    for (const body of [
      {},
      { requests: {} },
      { requests: 'x' },
      [],
      { requests: [] },
      { requests: [null] },
      { requests: [{ id: '1', method: 'GET' }] },
      { requests: [{ id: 1, method: 'GET', url: '/me' }] },
    ]) {
      expectBatchRefused(await batch(body), 'BadRequest', 'Invalid batch payload format.');
    }
  });

  it('an absolute step URL, a method Graph does not take, a body without Content-Type', async () => {
    for (const requests of [
      [step('1', `https://graph.microsoft.com/v1.0/users/${adele}`)],
      [step('1', `//graph.microsoft.com/users/${adele}`)],
      [{ id: '1', method: 'BREW', url: '/me' }],
      [{ id: '1', method: 'POST', url: '/subscriptions', body: {} }],
    ]) {
      expectBatchRefused(await batch({ requests }), 'BadRequest', 'Invalid batch payload format.');
    }
  });

  it('the batch body is depth-limited like any Graph body', async () => {
    const deep = `{"requests":[{"id":"1","method":"POST","url":"/subscriptions","headers":{"Content-Type":"application/json"},"body":${'['.repeat(100)}${']'.repeat(100)}}]}`;
    const res = await batch(deep);
    expect(res.status).toBe(400);
    expectGraphError('v1.0', res.body);
    expect((res.body['error'] as { message: string }).message).toMatch(/nested more than 64 levels/);
  });

  it('a batch without a token is refused as a whole (401)', async () => {
    const body = JSON.stringify({ requests: [step('1', `/users/${adele}`)] });
    const res = await graph(emu, '/v1.0/$batch', undefined, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expectGraphFailure(res, 'v1.0', 401, 'InvalidAuthenticationToken');
  });
});

describe('per-step answers', () => {
  it('a step URL starting /v1.0/ or /beta/ fails alone, as Graph reads the version as a segment; others succeed', async () => {
    const answered = await steps({ requests: [step('v', `/v1.0/users/${adele}`), step('b', `beta/users/${adele}`), step('ok', `users/${adele}`)] });
    expectStepError(answered.get('v'), 400, 'BadRequest', "Resource not found for the segment 'v1.0'.");
    expectStepError(answered.get('b'), 400, 'BadRequest', "Resource not found for the segment 'beta'.");
    expect(answered.get('ok')!.status).toBe(200);
  });

  it('a nested $batch step fails alone', async () => {
    const nested = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { requests: [step('inner', `/users/${adele}`)] } };
    const answered = await steps({
      requests: [step('nested', '/$batch', nested), step('dotted', '/users/../$batch', nested), step('encoded', '/users/%2e%2e/$batch', nested), step('ok', `/users/${adele}`)],
    });
    for (const id of ['nested', 'dotted']) expectStepError(answered.get(id), 400, 'BadRequest', 'A batch request step cannot be a batch request itself.');
    // However the URL parser reads it, a batch never runs inside a batch.
    expect(answered.get('encoded')!.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(answered.get('encoded')!.body)).not.toContain('responses');
    expect(answered.get('ok')!.status).toBe(200);
  });

  it('a failed step keeps its status and error; its dependents answer 424, transitively; independent steps still run', async () => {
    const answered = await steps({
      requests: [
        step('bad', `/users/${adele}/onlineMeetings/nope`),
        step('after', `/users/${adele}`, { dependsOn: ['bad'] }),
        step('afterAfter', `/users/${adele}`, { dependsOn: ['AFTER'] }),
        step('free', `/users/${adele}`),
        step('good', `/users/${adele}/onlineMeetings/${meetingId}`, { dependsOn: ['free'] }),
      ],
    });
    expectStepError(answered.get('bad'), 404, 'NotFound');
    expectStepError(answered.get('after'), 424, 'FailedDependency', /depends on request bad, which failed with status 404/);
    expectStepError(answered.get('afterAfter'), 424, 'FailedDependency', /depends on request after/);
    expect(answered.get('free')!.status).toBe(200);
    expect(answered.get('good')!.status).toBe(200);
    expectGraphType('v1.0', 'microsoft.graph.onlineMeeting', answered.get('good')!.body);
  });

  it('each step is authorized alone with the batch’s token: a step the token may not read is 403, the others 200', async () => {
    const transcriptsOnly = await mintToken(emu, { roles: ['OnlineMeetingTranscript.Read.All', 'OnlineMeetings.Read.All'] });
    const base = `/users/${adele}/onlineMeetings/${meetingId}`;
    const answered = await steps({ requests: [step('rec', `${base}/recordings`), step('tr', `${base}/transcripts`), step('meeting', base)] }, 'v1.0', transcriptsOnly);
    expectStepError(answered.get('rec'), 403, 'Forbidden');
    expect(answered.get('tr')!.status).toBe(200);
    expect(answered.get('meeting')!.status).toBe(200);
  });

  it('fault rules apply to each step as to a request sent alone', async () => {
    await control(emu, 'POST', '/faults', { path: `/v1.0/users/${adele}`, method: 'GET', status: 503, retryAfterSeconds: 7 });
    const answered = await steps({ requests: [step('faulted', `/users/${adele}`), step('fine', `/users/${adele}/onlineMeetings/${meetingId}`)] });
    expectStepError(answered.get('faulted'), 503, 'serviceNotAvailable');
    expect(answered.get('faulted')!.headers['Retry-After']).toBe('7');
    expect(answered.get('fine')!.status).toBe(200);
    // The batch itself matches no rule.
    await control(emu, 'POST', '/faults', { path: '/v1.0/users/*/onlineMeetings/*', method: 'GET', status: 429 });
    const throttled = await steps({ requests: [step('t', `/users/${adele}/onlineMeetings/${meetingId}`)] });
    expectStepError(throttled.get('t'), 429, 'TooManyRequests');
    expect(throttled.get('t')!.headers['Retry-After']).toBe('1');
  });

  it('each step is metered like a request sent alone', async () => {
    const usage = async (): Promise<number> => {
      const res = await control<{ value: Array<{ clientId: string; calls: number }> }>(emu, 'GET', `/usage?tenantId=${emu.demo.tenantId}`);
      return res.value.filter((e) => e.clientId === emu.demo.clientId).reduce((sum, e) => sum + e.calls, 0);
    };
    const before = await usage();
    const base = `/users/${adele}/onlineMeetings/${meetingId}`;
    const answered = await steps({
      requests: [step('1', `${base}/recordings`), step('2', `${base}/transcripts`), step('3', `${base}/recordings/${sim.recordingId}/content`), step('4', `/users/${adele}`)],
    });
    expect([...answered.values()].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await usage()).toBe(before + 3);
  });

  it('a JSON step body reaches the route (POST), a non-JSON one base64-decoded (and refused as the route would alone)', async () => {
    const answered = await steps({
      requests: [
        step('json', '/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { changeType: 7 } }),
        step('text', '/subscriptions', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('hello').toString('base64') }),
        step('textObject', '/subscriptions', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: { a: 1 } }),
      ],
    });
    const direct = await graph(emu, '/v1.0/subscriptions', appToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ changeType: 7 }) });
    expect(direct.status).toBe(400);
    expectStepError(answered.get('json'), 400, (direct.body['error'] as { code: string }).code, (direct.body['error'] as { message: string }).message);
    expectStepError(answered.get('text'), 415, 'RequestBodyRead');
    expectStepError(answered.get('textObject'), 400, 'BadRequest', /must be a base64-encoded string/);
  });
});

describe('odd steps', () => {
  it('answers each odd step in Graph’s shape, never a 500, and the batch stays 200', async () => {
    const odd = [
      step('crlf', `/users/${adele}`, { headers: { 'X-Odd': 'a\r\nb' } }),
      step('name', `/users/${adele}`, { headers: { 'bad name': 'x' } }),
      step('nul', `/users/${adele}`, { headers: { 'X-Nul': 'a\u0000b' } }),
      step('unicode', `/users/${adele}`, { headers: { 'X-Uni': 'é🙂' } }),
      step('space', '/users/a b'),
      step('pct', '/users/%zz'),
      step('emoji', '/users/🙂'),
      step('long', `/users/${'x'.repeat(5000)}`),
      step('ctl', '/users/\u0000'),
      step('len', `/users/${adele}`, { headers: { 'Content-Length': '99' } }),
      step('b64', '/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: '!!!not base64' }),
      step('jsonNull', '/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: [1, 2] }),
    ];
    const answered = await steps({ requests: odd });
    expect(answered.size).toBe(odd.length);
    for (const [id, r] of answered) {
      expect(r.status, `${id}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
      if (r.status >= 400) expectGraphError('v1.0', r.body);
    }
    expect(answered.get('unicode')!.status).toBe(200);
    expectStepError(answered.get('ctl'), 400, 'BadRequest', /Invalid request URL/);
    expect(answered.get('len')!.status).toBe(200);
  });
});

describe('the request log', () => {
  it('shows each step as a request of its own, besides the batch', async () => {
    const logged = await startTestEmulator({ logLevel: 'info', logFormat: 'pretty' });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const token = await mintToken(logged);
      const user = logged.demo.organizerUserId;
      const res = await graph(logged, '/beta/$batch', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requests: [step('1', `/users/${user}`), step('2', `/users/${user}/onlineMeetings/nope`)] }),
      });
      expect(res.status).toBe(200);
    } finally {
      spy.mockRestore();
      await logged.stop();
    }
    const requests = lines.filter((l) => / (GET|POST) \//.test(l));
    expect(requests.some((l) => l.includes('POST /beta/$batch 200'))).toBe(true);
    expect(requests.some((l) => l.includes(`GET /beta/users/${logged.demo.organizerUserId} 200`))).toBe(true);
    expect(requests.some((l) => l.includes(`GET /beta/users/${logged.demo.organizerUserId}/onlineMeetings/nope 404`))).toBe(true);
  });
});
