import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findUiFiles } from '../../src/admin/uiRoutes.js';
import type { RecordedRequest } from '../../src/http/requestRecorder.js';
import { graphClient, graphFetch, appToken } from '../support/clients.js';
import { startTestEmulator, useEmulator } from '../support/emulator.js';
import { control, controlJson, expectControlError, value } from '../support/control.js';

/** What GET /_emulator/requests answers per request. */
type Recorded = RecordedRequest;

const emu = useEmulator();

async function recorded(query = ''): Promise<Recorded[]> {
  return value<Recorded>(await control(emu, 'GET', `/requests${query}`));
}

describe('the request recorder (GET /_emulator/requests)', () => {
  it('records a Graph call of an official client with its status, app, decoded claims and bodies, never the token', async () => {
    const me = await graphClient(emu).api(`/users/${emu.demo.organizerUserId}`).get();
    expect(me).toBeTruthy();
    const [entry] = await recorded(`?path=/v1.0/users/${emu.demo.organizerUserId}`);
    expect(entry).toBeDefined();
    expect(entry!.method).toBe('GET');
    expect(entry!.status).toBe(200);
    expect(entry!.area).toBe('graph');
    expect(entry!.appId).toBe(emu.demo.clientId);
    expect(entry!.tokenClaims?.['appid']).toBe(emu.demo.clientId);
    expect(entry!.tokenClaims?.['tid']).toBe(emu.demo.tenantId);
    expect(entry!.requestHeaders['authorization']).toBe('Bearer [redacted]');
    expect(JSON.parse(entry!.responseBody ?? '{}')).toMatchObject({ id: emu.demo.organizerUserId });
    // The token's text (any of its parts) appears nowhere in the record.
    const token = await appToken(emu);
    const [, , signature] = token.split('.');
    expect(JSON.stringify(await recorded())).not.toContain(signature);
  });

  it('records the token request with client_secret redacted, and keeps the console log and recorder on the same requests', async () => {
    await appToken(emu);
    const [entry] = await recorded('?path=/oauth2/v2.0/token');
    expect(entry).toBeDefined();
    expect(entry!.area).toBe('identity');
    expect(entry!.status).toBe(200);
    expect(entry!.requestBody).toContain('client_secret');
    expect(entry!.requestBody).not.toContain(emu.demo.clientSecret);
    expect(entry!.responseBody).toContain('"access_token": "[redacted]"');
  });

  it('shows the Graph error code and the fault applied; filters by status, app and path', async () => {
    await controlJson(emu, 'POST', '/faults', { path: '/v1.0/users/*', method: 'GET', status: 429, count: 1 });
    const token = await appToken(emu);
    const res = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, token);
    expect(res.status).toBe(429);
    const [entry] = await recorded('?status=429');
    expect(entry).toMatchObject({ status: 429, error: 'TooManyRequests', fault: 'status 429' });
    expect(await recorded('?status=4xx')).toContainEqual(expect.objectContaining({ id: entry!.id }));
    expect(await recorded('?status=error')).toContainEqual(expect.objectContaining({ id: entry!.id }));
    expect(await recorded(`?app=${emu.demo.clientId.slice(0, 8)}&status=429`)).toHaveLength((await recorded('?status=429')).length);
    expect(await recorded('?app=nobody-has-this-app')).toEqual([]);
    expect((await recorded('?path=/no/such/path')).length).toBe(0);
    const one = await controlJson<Recorded>(emu, 'GET', `/requests/${entry!.id}`);
    expect(one.id).toBe(entry!.id);
  });

  it("does not record the dashboard's own reads, but records state-changing control calls with their secrets redacted", async () => {
    const before = (await recorded())[0]?.id ?? 0;
    await fetch(`${emu.url}/_emulator/tenants`, { headers: { 'x-emulator-client': 'dashboard' } });
    await fetch(`${emu.url}/_emulator/ui`);
    const app = await controlJson<{ clientId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'Recorder test', clientSecret: 'very-secret-value-123' });
    const after = await recorded(`?after=${before}`);
    expect(after.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /_emulator/tenants/${emu.demo.tenantId}/apps`]);
    expect(after[0]!.area).toBe('control');
    expect(JSON.stringify(after[0])).not.toContain('very-secret-value-123');
    expect(app.clientId).toBeTruthy();
  });

  it('answers 404 for a request id it does not hold, and 400 for a bad filter', async () => {
    expectControlError(await control(emu, 'GET', '/requests/999999999'), 404, /ring buffer/);
    expectControlError(await control(emu, 'GET', '/requests/abc'), 404);
    expectControlError(await control(emu, 'GET', '/requests?top=0'), 400);
    expectControlError(await control(emu, 'GET', '/requests?status=12345678901'), 400);
  });

  it('records each of repeated identical polls whole (the ring shares their equal strings), with its own id and request-id', async () => {
    const token = await appToken(emu);
    const path = `/v1.0/users/${emu.demo.organizerUserId}?poll=same`;
    for (let i = 0; i < 3; i++) expect((await graphFetch(emu, path, token)).status).toBe(200);
    const polls = await recorded('?path=/v1.0/users/&top=3');
    expect(polls).toHaveLength(3);
    expect(new Set(polls.map((p) => p.id)).size).toBe(3);
    expect(new Set(polls.map((p) => p.requestId)).size).toBe(3);
    for (const poll of polls) {
      expect(poll.url).toBe(path);
      expect(poll.tokenClaims?.['appid']).toBe(emu.demo.clientId);
      expect(poll.requestHeaders['authorization']).toBe('Bearer [redacted]');
      expect(JSON.parse(poll.responseBody ?? '{}')).toMatchObject({ id: emu.demo.organizerUserId });
      expect(Number(poll.responseHeaders['content-length'])).toBe(Buffer.byteLength(JSON.stringify(JSON.parse(poll.responseBody ?? '{}'))));
    }
  });

  it('cuts a body over 16 KiB and says so, with the whole length in content-length; a streamed download shows its size only', async () => {
    const openapi = await fetch(`${emu.url}/_emulator/openapi.json`);
    const length = (await openapi.arrayBuffer()).byteLength;
    expect(length).toBeGreaterThan(16 * 1024);
    const [big] = await recorded('?path=/_emulator/openapi.json');
    expect(big).toMatchObject({ status: 200, responseBodyTruncated: true });
    expect(big!.responseHeaders['content-length']).toBe(String(length));
    expect(big!.responseBody!.length).toBeLessThan(length);

    const sim = await controlJson<{ recordingId: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {});
    const video = await fetch(`${emu.url}/_emulator/recordings/${sim.recordingId}/content`);
    const size = (await video.arrayBuffer()).byteLength;
    const [download] = await recorded(`?path=/_emulator/recordings/${sim.recordingId}/content`);
    expect(download).toMatchObject({ status: 200, responseBodyTruncated: false, responseBody: `(${size} bytes of video/mp4, streamed)` });
  });

  it('pauses and resumes recording (PUT /_emulator/requests/recording), keeping what it holds', async () => {
    const token = await appToken(emu);
    await graphFetch(emu, '/v1.0/users/before-pause', token);
    expect(await controlJson(emu, 'PUT', '/requests/recording', { recording: false })).toEqual({ recording: false, capacity: 500 });
    try {
      await graphFetch(emu, '/v1.0/users/while-paused', token);
      expect(await recorded('?path=/v1.0/users/while-paused')).toEqual([]);
      expect(await recorded('?path=/v1.0/users/before-pause')).toHaveLength(1);
    } finally {
      expect(await controlJson(emu, 'PUT', '/requests/recording', { recording: true })).toEqual({ recording: true, capacity: 500 });
    }
    await graphFetch(emu, '/v1.0/users/after-resume', token);
    expect(await recorded('?path=/v1.0/users/after-resume')).toHaveLength(1);
  });

  it('refuses a recording switch that is not {"recording": boolean}', async () => {
    expectControlError(await control(emu, 'PUT', '/requests/recording', { recording: 'yes' }), 400);
    expectControlError(await control(emu, 'PUT', '/requests/recording', {}), 400);
    expectControlError(await control(emu, 'PUT', '/requests/recording', { recording: false, extra: 1 }), 400);
    expectControlError(await control(emu, 'PUT', '/requests/recording', 'not json'), 400);
  });

  it('DELETE /_emulator/requests forgets them', async () => {
    await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}`, await appToken(emu));
    expect((await recorded()).length).toBeGreaterThan(0);
    expect((await control(emu, 'DELETE', '/requests')).status).toBe(204);
    expect(await recorded()).toEqual([]);
  });
});

describe('the ring buffer', () => {
  it('keeps the last --request-history requests, and none with 0', async () => {
    const small = await startTestEmulator({ requestHistory: 3 });
    const none = await startTestEmulator({ requestHistory: 0 });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${small.url}/v1.0/nothing-${i}`);
      const kept = value<Recorded>(await control(small, 'GET', '/requests'));
      expect(kept.map((r) => r.path)).toEqual(['/v1.0/nothing-4', '/v1.0/nothing-3', '/v1.0/nothing-2']);
      await fetch(`${none.url}/v1.0/nothing`);
      expect(value<Recorded>(await control(none, 'GET', '/requests'))).toEqual([]);
      // With no ring buffer there is nothing to resume; pausing is harmless.
      expectControlError(await control(none, 'PUT', '/requests/recording', { recording: true }), 400, /--request-history 0/);
      expect(await controlJson(none, 'PUT', '/requests/recording', { recording: false })).toEqual({ recording: false, capacity: 0 });
    } finally {
      await small.stop();
      await none.stop();
    }
  });

  it('refuses a request history outside 0..100000', async () => {
    await expect(startTestEmulator({ requestHistory: -1 })).rejects.toThrow(/requestHistory/);
  });
});

describe('GET /_emulator/events', () => {
  it('streams recorded requests and clock changes as server-sent events', async () => {
    const url = new URL('/_emulator/events', emu.url);
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = httpsRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          const all = received.join('');
          if (all.includes('event: request') && all.includes('/v1.0/sse-probe') && all.split('event: clock').length > 2) {
            req.destroy();
            resolve();
          }
        });
        // Once the stream is open: a request and a clock move.
        void fetch(`${emu.url}/v1.0/sse-probe`).then(() => control(emu, 'POST', '/clock', { advance: 'PT1M' }));
      });
      req.on('error', (err) => (received.join('').includes('/v1.0/sse-probe') ? resolve() : reject(err)));
      req.end();
    });
    await done;
    const all = received.join('');
    expect(all).toMatch(/event: clock\ndata: \{"now":/);
    expect(all).toMatch(/event: request\ndata: \{[^\n]*"path":"\/v1.0\/sse-probe"[^\n]*"status":501/);
  });
});

describe('the dashboard', () => {
  it('is served at /_emulator/ui with a Content-Security-Policy and no inline script; / redirects a browser there', async () => {
    const page = await fetch(`${emu.url}/_emulator/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('src="/_emulator/ui/app.js"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const redirect = await fetch(`${emu.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/_emulator/ui');
    const api = await fetch(`${emu.url}/`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NotFound');
    expect((await fetch(`${emu.url}/_emulator/ui/../../package.json`)).status).toBe(404);
    expect((await fetch(`${emu.url}/_emulator/ui/nothing.js`)).status).toBe(404);
  });

  it('serves a meeting recording through the control API with Range support, and its transcript', async () => {
    const sim = await controlJson<{ recordingId: string; transcriptId: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {});
    const artifacts = await controlJson<{ recordings: Array<{ id: string; contentUrl: string; size: number }>; transcripts: Array<{ id: string; contentUrl: string }> }>(
      emu,
      'GET',
      `/meetings/${encodeURIComponent(emu.demo.meetingId)}/artifacts`,
    );
    const recording = artifacts.recordings.find((r) => r.id === sim.recordingId);
    expect(recording).toBeDefined();
    const whole = await fetch(`${emu.url}${recording!.contentUrl}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect((await whole.arrayBuffer()).byteLength).toBe(recording!.size);
    const part = await fetch(`${emu.url}${recording!.contentUrl}`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${recording!.size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expectControlError(await control(emu, 'GET', `/recordings/${sim.recordingId}/content`, undefined, { range: `bytes=${recording!.size + 10}-` }), 416);
    const transcript = artifacts.transcripts.find((t) => t.id === sim.transcriptId);
    const vtt = await (await fetch(`${emu.url}${transcript!.contentUrl}`)).text();
    expect(vtt).toMatch(/^WEBVTT/);
    expect(vtt).toMatch(/<v [^>]+>/);
    expectControlError(await control(emu, 'GET', '/recordings/no-such-recording/content'), 404);
  });

  it('ships its JavaScript in dist/ui, at most 150 KB gzipped (npm run build makes it)', () => {
    const files = findUiFiles();
    expect(files, 'dist/ui is missing: run npm run build').toBeDefined();
    const script = readFileSync(`${files!.dir}app.js`);
    expect(gzipSync(script).length).toBeLessThanOrEqual(150 * 1024);
    expect([...files!.names].sort()).toEqual(['app.js', 'index.html', 'style.css']);
  });

  it('lists every subscription', async () => {
    const subs = value<{ id: string }>(await control(emu, 'GET', '/subscriptions'));
    expect(Array.isArray(subs)).toBe(true);
  });

  it('a state-changing call from a foreign page is refused (the dashboard sends its own origin)', async () => {
    expectControlError(await control(emu, 'DELETE', '/requests', undefined, { origin: 'https://evil.example' }), 403, /web page/);
    expect((await control(emu, 'DELETE', '/requests', undefined, { origin: emu.url })).status).toBe(204);
  });
});
