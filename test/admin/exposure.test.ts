import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createEmulator } from '../../src/emulator.js';
import { startTestEmulator, useEmulator, type TestEmulator } from '../support/emulator.js';
import { control, expectControlError, obj, value, type ControlResponse } from '../support/control.js';

/**
 * Who may drive the control API (src/admin/guard.ts), which Host names the server answers to
 * (src/http/hostCheck.ts), the admin token, and the IPv6 loopback listener.
 */

interface Raw {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The address to connect to; the Host header is whatever `headers.host` says (default: this address and the port). */
  address?: string;
}

/** One request over the real socket with headers fetch will not let us set (Host, Origin). */
function raw(emu: Pick<TestEmulator, 'port' | 'caCertificate' | 'config'>, path: string, options: Raw = {}): Promise<ControlResponse> {
  const address = options.address ?? '127.0.0.1';
  const https = emu.config.protocol === 'https';
  const send = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: address,
        port: emu.port,
        path,
        method: options.method ?? 'GET',
        headers: { ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
        ...(https ? { ca: emu.caCertificate, servername: 'localhost' } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve({ status: res.statusCode ?? 0, json, text, headers });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const tenantNames = async (emu: TestEmulator): Promise<string[]> => value<{ displayName: string }>(await control(emu, 'GET', '/tenants')).map((t) => t.displayName);

describe('the control API refuses what a web page could send (CSRF)', () => {
  const emu = useEmulator();

  it('refuses a text/plain POST /reset (a CORS-simple request) and keeps the state', async () => {
    expect((await control(emu, 'POST', '/tenants', { displayName: 'Kept' })).status).toBe(201);
    const res = await raw(emu, '/_emulator/reset', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' });
    expectControlError(res, 403, /Content-Type: application\/json.*X-Emulator-Client/);
    expect(await tenantNames(emu)).toContain('Kept');
  });

  it('refuses a body-less POST with neither a content type nor the custom header', async () => {
    const res = await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
    const text = await res.text();
    expectControlError({ status: res.status, text, json: JSON.parse(text), headers: res.headers }, 403, /X-Emulator-Client: 1/);
    expect(await tenantNames(emu)).toContain('Kept');
  });

  it('refuses a form post, and a DELETE without either', async () => {
    const form = await raw(emu, '/_emulator/clock', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'advance=P1D' });
    expectControlError(form, 403, /must carry/);
    expect(obj(await control(emu, 'GET', '/clock'))['offsetMs']).toBeLessThan(60_000);
    expect((await control(emu, 'POST', '/faults', { path: '/v1.0/me', status: 503 })).status).toBe(201);
    expectControlError(await raw(emu, '/_emulator/faults', { method: 'DELETE' }), 403, /DELETE to the control API/);
    expect(value(await control(emu, 'GET', '/faults'))).toHaveLength(1);
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
  });

  it('refuses a JSON request from a foreign Origin, and from an opaque (null) one', async () => {
    const json = { 'content-type': 'application/json' };
    for (const origin of ['https://evil.example', `https://evil.example:${emu.port}`, `http://localhost:${emu.port}`, 'null']) {
      const res = await raw(emu, '/_emulator/clock', { method: 'POST', headers: { ...json, origin }, body: '{"advance":"P1D"}' });
      expectControlError(res, 403, /comes from a web page/);
    }
    expect(obj(await control(emu, 'GET', '/clock'))['offsetMs']).toBeLessThan(60_000);
  });

  it('accepts its own origin, a JSON content type, or the X-Emulator-Client header; reads need neither', async () => {
    const own = await raw(emu, '/_emulator/clock', {
      method: 'POST',
      headers: { host: `localhost:${emu.port}`, origin: `https://localhost:${emu.port}`, 'content-type': 'application/json' },
      body: '{"freeze":true}',
    });
    expect(own.status, own.text).toBe(200);
    const plusJson = await raw(emu, '/_emulator/clock', { method: 'POST', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"unfreeze":true}' });
    expect(plusJson.status, plusJson.text).not.toBe(403);
    const header = await raw(emu, '/_emulator/reset', { method: 'POST', headers: { 'x-emulator-client': '1' } });
    expect(header.status, header.text).toBe(200);
    expect(await tenantNames(emu)).not.toContain('Kept');
    expect((await raw(emu, '/_emulator/clock')).status).toBe(200);
  });
});

describe('the dashboard session without an admin token', () => {
  const emu = useEmulator();
  it('is open and sets no cookie', async () => {
    expect((await raw(emu, '/_emulator/session')).json).toEqual({ adminToken: false });
    const started = await raw(emu, '/_emulator/session', { method: 'POST', headers: { 'x-emulator-client': 'dashboard' } });
    expect(started.status, started.text).toBe(204);
    expect(started.headers.get('set-cookie')).toBeNull();
  });
});

describe('the server answers only to names it knows (DNS rebinding)', () => {
  const emu = useEmulator();

  it('refuses Host: evil.example on Graph, identity and control routes, before any of them runs', async () => {
    for (const path of ['/v1.0/users', `/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`, '/_emulator/demo', '/_emulator/health', '/nowhere']) {
      expectControlError(await raw(emu, path, { headers: { host: 'evil.example' } }), 403, /does not answer to.*--allowed-host/);
      expectControlError(await raw(emu, path, { headers: { host: `evil.example:${emu.port}` } }), 403, /DNS rebinding/);
    }
    expectControlError(await raw(emu, '/_emulator/reset', { method: 'POST', headers: { host: `evil.example:${emu.port}`, 'x-emulator-client': '1' } }), 403, /DNS rebinding/);
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { host: 'localhost.evil.example' } }), 403);
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { host: 'evil.test/"><x' } }), 403);
  });

  it('answers to localhost, *.localhost and IP literals, with any port', async () => {
    for (const host of [`localhost:${emu.port}`, 'localhost', 'LOCALHOST', 'app.localhost:1234', `127.0.0.1:${emu.port}`, `[::1]:${emu.port}`, '10.0.0.7']) {
      const res = await raw(emu, '/_emulator/demo', { headers: { host } });
      expect(res.status, `${host}: ${res.text}`).toBe(200);
    }
    const graph = await raw(emu, `/v1.0/users/${emu.demo.organizerUserId}`, { headers: { host: `localhost:${emu.port}` } });
    expect(graph.status).toBe(401); // past the Host check: Graph's own answer without a token
  });

  it('answers to the public URL host and to --allowed-host names, and still refuses others', async () => {
    const other = await startTestEmulator({ publicUrl: 'https://graph.example.test:9443/', allowedHosts: ['graph.contoso.test', '*.corp.test'] });
    try {
      for (const host of ['graph.example.test:9443', 'graph.contoso.test', 'a.b.corp.test:8443', `localhost:${other.port}`]) {
        const res = await raw(other, '/_emulator/health', { headers: { host } });
        expect(res.status, `${host}: ${res.text}`).toBe(200);
      }
      for (const host of ['evil.example', 'corp.test.evil.example', 'contoso.test']) expectControlError(await raw(other, '/_emulator/health', { headers: { host } }), 403);
    } finally {
      await other.stop();
    }
  });

  it("answers to any Host, even a malformed one, with allowedHosts ['*']", async () => {
    const open = await startTestEmulator({ allowedHosts: ['*'] });
    try {
      expect((await raw(open, '/_emulator/health', { headers: { host: 'evil.example' } })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe('--admin-token', () => {
  const TOKEN = 'sekrit-Token_123';
  const emu = useEmulator({ adminToken: TOKEN });
  const bearer = { authorization: `Bearer ${TOKEN}` };

  it('is needed on every control route but health: 401 without it, 401 with a wrong one, 200 with it', async () => {
    const none = await raw(emu, '/_emulator/demo');
    expectControlError(none, 401, /needs the admin token.*Authorization: Bearer/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((none.json as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { authorization: 'Bearer sekrit-Token_12' } }), 401, /not the one/);
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { authorization: `Bearer ${TOKEN}x` } }), 401, /not the one/);
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { authorization: TOKEN } }), 401);
    expect((await raw(emu, '/_emulator/demo', { headers: bearer })).status).toBe(200);
    expect((await raw(emu, '/_emulator/health')).status).toBe(200);
    // The Graph and identity endpoints do not take it.
    expect((await raw(emu, `/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('guards every route the OpenAPI document lists', async () => {
    const doc = (await raw(emu, '/_emulator/openapi.json', { headers: bearer })).json as { info: { description: string }; paths: Record<string, Record<string, unknown>> };
    expect(doc.info.description).toMatch(/X-Emulator-Client.*Authorization: Bearer TOKEN/);
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => [method.toUpperCase(), path.replace(/\{\w+\}/g, 'x')] as const));
    expect(routes.length).toBeGreaterThan(40);
    for (const [method, path] of routes) {
      if (path === '/_emulator/health') continue;
      const res = await raw(emu, path, { method, headers: { 'content-type': 'application/json', 'x-emulator-client': '1' }, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(401);
    }
  });

  it('stands for the custom header on a body-less POST (a page cannot know it)', async () => {
    expect((await control(emu, 'POST', '/tenants', { displayName: 'Gone after reset' }, bearer)).status).toBe(201);
    const res = await raw(emu, '/_emulator/reset', { method: 'POST', headers: bearer });
    expect(res.status, res.text).toBe(200);
    expect(value<{ displayName: string }>(await control(emu, 'GET', '/tenants', undefined, bearer)).map((t) => t.displayName)).not.toContain('Gone after reset');
  });

  it('is traded for the dashboard session cookie (HttpOnly, SameSite=Strict, Secure, Path=/_emulator), which then opens reads, SSE and media', async () => {
    expectControlError(await raw(emu, '/_emulator/session'), 401, /dashboard asks for it/);
    const started = await raw(emu, '/_emulator/session', { method: 'POST', headers: bearer });
    expect(started.status, started.text).toBe(204);
    const setCookie = started.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^gce_dashboard_session=[\w-]{43}; Path=\/_emulator; HttpOnly; SameSite=Strict; Secure$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = { cookie: `other=1; ${setCookie.split(';')[0]!}` };
    expect((await raw(emu, '/_emulator/session', { headers: cookie })).json).toEqual({ adminToken: true });
    expect((await raw(emu, '/_emulator/demo', { headers: cookie })).status).toBe(200);
    // EventSource sends no Authorization header: the cookie lets the event stream through.
    const abort = new AbortController();
    const events = await fetch(`${emu.url}/_emulator/events`, { headers: cookie, signal: abort.signal });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    abort.abort();
    await events.body?.cancel().catch(() => undefined);
  });

  it('refuses a wrong token for a session (no cookie), a forged or stale cookie, and a cookie next to a wrong bearer token', async () => {
    const wrong = await raw(emu, '/_emulator/session', { method: 'POST', headers: { authorization: 'Bearer not-the-token' } });
    expectControlError(wrong, 401, /not the one/);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { cookie: 'gce_dashboard_session=forged' } }), 401, /session is not valid/);
    const { sessionValue } = await import('../../src/admin/guard.js');
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { cookie: `gce_dashboard_session=${sessionValue('another-token')}` } }), 401, /session is not valid/);
    const good = `gce_dashboard_session=${sessionValue(TOKEN)}`;
    expectControlError(await raw(emu, '/_emulator/demo', { headers: { cookie: good, authorization: 'Bearer wrong' } }), 401, /not the one/);
  });

  it('a session cookie does not stand for the CSRF rules: a state change still needs JSON or X-Emulator-Client, from its own origin', async () => {
    const { sessionValue } = await import('../../src/admin/guard.js');
    const cookie = `gce_dashboard_session=${sessionValue(TOKEN)}`;
    expectControlError(await raw(emu, '/_emulator/reset', { method: 'POST', headers: { cookie } }), 403, /X-Emulator-Client/);
    expectControlError(await raw(emu, '/_emulator/reset', { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: '{}' }), 403);
    expectControlError(
      await raw(emu, '/_emulator/faults', { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"path":"/x","status":500}' }),
      403,
      /not from the emulator's own origin/,
    );
    const ok = await raw(emu, '/_emulator/faults', { method: 'DELETE', headers: { cookie, 'x-emulator-client': 'dashboard', origin: `https://localhost:${emu.port}`, host: `localhost:${emu.port}` } });
    expect(ok.status, ok.text).toBe(204);
  });

  it('must be visible ASCII and not empty', async () => {
    await expect(createEmulator({ adminToken: '' })).rejects.toThrow(ConfigError);
    await expect(createEmulator({ adminToken: '' })).rejects.toThrow(/--admin-token is empty/);
    await expect(createEmulator({ adminToken: 'two words' })).rejects.toThrow(/visible ASCII/);
    await expect(createEmulator({ allowedHosts: ['evil.example/x'] })).rejects.toThrow(/not a host name/);
  });
});

describe('bound to a non-loopback address', () => {
  it('makes up an admin token when none is given, and answers any Host', async () => {
    // Bound to every interface, but spoken to only on 127.0.0.1.
    const open = await startTestEmulator({ host: '0.0.0.0', http: true });
    try {
      expect(open.config.adminTokenGenerated).toBe(true);
      const token = open.config.adminToken ?? '';
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expectControlError(await raw(open, '/_emulator/demo'), 401);
      expect((await raw(open, '/_emulator/demo', { headers: { authorization: `Bearer ${token}`, host: 'emulator.lan:8080' } })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });

  it('keeps the token it was given', async () => {
    const open = await startTestEmulator({ host: '0.0.0.0', http: true, adminToken: 'given' });
    try {
      expect(open.config).toMatchObject({ adminToken: 'given', adminTokenGenerated: false });
      expect((await raw(open, '/_emulator/demo', { headers: { authorization: 'Bearer given' } })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });

  it('a loopback emulator needs no token', () => {
    // The describe blocks above run without one; the config says so too.
    return createEmulator({ host: 'localhost' }).then(async (local) => {
      expect(local.config.adminToken).toBeUndefined();
      await local.close();
    });
  });
});

/** Whether this machine has an IPv6 loopback to test on. */
const hasIpv6Loopback = (): Promise<boolean> =>
  new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(0, '::1', () => server.close(() => done(true)));
  });

describe('IPv6 loopback', async () => {
  const available = await hasIpv6Loopback();
  let https: TestEmulator;
  let http: TestEmulator;
  beforeAll(async () => {
    [https, http] = await Promise.all([startTestEmulator(), startTestEmulator({ http: true, host: 'localhost' })]);
  });
  afterAll(async () => {
    await Promise.all([https?.stop(), http?.stop()]);
  });

  it.skipIf(!available)('serves https://[::1]:port/ on the same port as 127.0.0.1, with a certificate that covers ::1', async () => {
    const res = await fetch(`https://[::1]:${https.port}/_emulator/health`);
    expect(res.status).toBe(200);
    const viaRaw = await raw(https, '/_emulator/demo', { address: '::1', headers: { host: `[::1]:${https.port}` } });
    expect(viaRaw.status, viaRaw.text).toBe(200);
  });

  it.skipIf(!available)("serves http://[::1]:port/ for host 'localhost' too, and stops serving there on close", async () => {
    const res = await fetch(`http://[::1]:${http.port}/_emulator/health`);
    expect(res.status).toBe(200);
    const extra = await startTestEmulator({ http: true });
    const port = extra.port;
    await extra.stop();
    await expect(fetch(`http://[::1]:${port}/_emulator/health`)).rejects.toThrow();
  });
});
