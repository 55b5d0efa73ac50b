import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/http/requestRecorder.js';
import { appToken, graphFetch } from '../support/clients.js';
import { control, value } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';

/**
 * HEAD on any GET route (http/app.ts answerHeadWithGet: the GET route carries HEAD, not a second
 * route per GET): the GET's status and headers, no body, recorded as a HEAD; a route that opts out
 * (the dashboard's endless event stream) is not found for it.
 */
const emu = useEmulator();

describe('HEAD', () => {
  it('answers a Graph GET route with the GET’s status, type and length, and no body', async () => {
    const token = await appToken(emu);
    const path = `/v1.0/users/${emu.demo.organizerUserId}`;
    const get = await graphFetch(emu, path, token);
    const body = await get.text();
    const head = await graphFetch(emu, path, token, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');
    const recorded = value<RecordedRequest>(await control(emu, 'GET', `/requests?path=${encodeURIComponent(path)}`));
    expect(recorded.map((entry) => entry.method).slice(0, 2)).toEqual(['HEAD', 'GET']);
  });

  it('answers errors as GET does: no token is the 401 challenge, a missing user a 404', async () => {
    const path = `/v1.0/users/${emu.demo.organizerUserId}`;
    const anonymous = await graphFetch(emu, path, undefined, { method: 'HEAD' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const missing = await graphFetch(emu, '/v1.0/users/00000000-0000-0000-0000-0000000000ff', await appToken(emu), { method: 'HEAD' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('');
  });

  it('answers the public service document and a control GET', async () => {
    const metadata = await graphFetch(emu, '/v1.0/$metadata', undefined, { method: 'HEAD' });
    expect(metadata.status).toBe(200);
    expect(Number(metadata.headers.get('content-length'))).toBeGreaterThan(0);
    const health = await control(emu, 'HEAD', '/health');
    expect(health.status).toBe(200);
  });

  it('does not open the dashboard’s endless event stream for a HEAD: the route opts out, a 404 as before', async () => {
    const res = await control(emu, 'HEAD', '/events');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).not.toMatch(/event-stream/);
  });
});
