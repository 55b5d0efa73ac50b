import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError, expectGraphType } from '../support/graphSchema.js';
import { graph, mintToken } from '../graph/support/http.js';

interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** One request written byte for byte over TLS (no client-side URL or header normalisation), read until the server closes. */
function rawRequest(emu: TestEmulator, request: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: emu.port, servername: 'localhost', ca: emu.caCertificate });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to ${request.subarray(0, 120).toString('latin1')}`)), 10_000);
    // Write without half-closing: the server answers, then closes (Connection: close or a parse error).
    socket.on('secureConnect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      // A reset after the answer was read still counts as an answer.
      if (chunks.length > 0) finish();
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    let done = false;
    function finish(): void {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
      resolve({ status, head, body: split < 0 ? '' : text.slice(split + 4) });
    }
  });
}

function build(method: string, target: string | Buffer, headers: Array<[string, string | Buffer]>, body?: Buffer | string): Buffer {
  const parts: Buffer[] = [Buffer.from(`${method} `), Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'), Buffer.from(' HTTP/1.1\r\n')];
  for (const [name, value] of [['Host', 'localhost'], ['Connection', 'close'], ...headers] as Array<[string, string | Buffer]>) {
    parts.push(Buffer.from(`${name}: `), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n'));
  }
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  if (payload !== undefined) parts.push(Buffer.from(`Content-Length: ${payload.length}\r\n`));
  parts.push(Buffer.from('\r\n'));
  if (payload !== undefined) parts.push(payload);
  return Buffer.concat(parts);
}

describe('robustness: odd requests never make the emulator fail', () => {
  let emu: TestEmulator;
  let token: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    token = await mintToken(emu);
  });
  afterAll(async () => emu.stop());

  it('answers a few hundred odd requests without a 500, Graph-shaped, and keeps serving', async () => {
    const user = emu.demo.organizerUserId;
    const meeting = emu.demo.meetingId;
    const prefixes = ['/v1.0', '/beta', '/V1.0', '/BeTa', '/v2.0', '/v1.0/', ''];
    const paths = [
      '/',
      '/users',
      `/users/${user}`,
      `/users('${user}`,
      `/users(${user}))`,
      '/users((',
      '/users)',
      `/users(%27${user})`,
      "/users('a''b')",
      '/me',
      '/me/',
      '//me//onlineMeetings',
      '/me/onlineMeetings/%2F',
      '/me/onlineMeetings/%2e%2e/%2e%2e',
      '/../_emulator/health',
      '/./users/./x',
      `/users/${user}/onlineMeetings/${meeting}`,
      `/users/${user}/onlineMeetings('${meeting}')/recordings('x')`,
      `/users/${user}/onlineMeetings/createOrGet`,
      '/users/%00',
      '/users/%C0%AF',
      '/users/%E2%82',
      '/users/%FF%FE',
      '/users/%',
      '/users/%zz',
      '/users/%u0041',
      '/users/🙂',
      '/users/%F0%9F%99%82',
      '/$metadata',
      '/$batch',
      '/communications/onlineMeetings',
      '/communications/onlineMeetings/x/y/z',
      '/users/a;b=c',
      '/users/*',
      '/users/@',
      `/users/${'x'.repeat(2500)}`,
      `/users/${user}/onlineMeetings/${'A'.repeat(3000)}`,
      '/users/microsoft.graph.delta()',
      '/me/onlineMeetings/getAllRecordings(',
      "/me/onlineMeetings/getAllRecordings(meetingOrganizerUserId='x',startDateTime=zz)",
      '/users/%27%27%27',
      '/users/\\x',
      '/users/a b',
    ];
    const queries = [
      '',
      '?',
      '?$filter=%FF',
      '?$select=%C0',
      `?$filter=${"'".repeat(101)}`,
      '?$top=-1',
      `?$select=${'id,'.repeat(800)}id`,
      '?%',
      '?=&=&',
      '?$filter=JoinWebUrl%20eq%20%27%E2%82%27',
      '?$skiptoken=%00',
      '?$select=subject&$select=id',
      '?$expand=*',
      '?$filter=(((((((((((((((((((((',
      `?$filter=${'not '.repeat(400)}id eq 1`,
      '?$format=json',
      '?a[b]=c&a[c]=d',
    ];
    const targets: string[] = [];
    for (const prefix of prefixes) for (const path of paths) targets.push(prefix + path);
    for (const query of queries) {
      targets.push(`/v1.0/users/${user}${query}`, `/beta/users/${user}/onlineMeetings${query}`, `/v1.0/users/${user}/onlineMeetings/${meeting}${query}`);
    }

    const auth: Array<[string, string]> = [['Authorization', `Bearer ${token}`]];
    const requests: Buffer[] = [];
    targets.forEach((target, i) => {
      const method = ['GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'POST', 'OPTIONS', 'HEAD'][i % 8]!;
      const headers = i % 3 === 0 ? [] : auth;
      const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? '{"subject":"fuzz"}' : undefined;
      requests.push(build(method, target, body === undefined ? headers : [...headers, ['Content-Type', 'application/json']], body));
    });
    const odd: Array<[string, Array<[string, string | Buffer]>, string | Buffer | undefined]> = [
      ['/v1.0/me', [['Authorization', 'Bearer']], undefined],
      ['/v1.0/me', [['Authorization', 'Bearer a.b.c']], undefined],
      ['/v1.0/me', [['Authorization', 'Basic dXNlcjpwYXNz']], undefined],
      ['/v1.0/me', [['Authorization', `Bearer ${'x'.repeat(12_000)}`]], undefined],
      [`/v1.0/users/${user}`, [...auth, ['Prefer', 'odata.maxpagesize=-1, omit-values="nulls, include-unknown-enum-members;;;']], undefined],
      [`/v1.0/users/${user}`, [...auth, ['client-request-id', 'y'.repeat(5000)]], undefined],
      [`/v1.0/users/${user}`, [...auth, ['client-request-id', Buffer.from([0xc3, 0x28, 0xff])]], undefined],
      [`/v1.0/users/${user}`, [...auth, ['X-Huge', 'z'.repeat(40_000)]], undefined],
      [`/v1.0/users/${user}`, Array.from({ length: 150 }, (_, i) => [`X-Many-${i}`, 'v'] as [string, string]), undefined],
      ['/v1.0/me/onlineMeetings', [...auth, ['Content-Type', 'application/json']], '{"__proto__":{"polluted":true}}'],
      ['/v1.0/me/onlineMeetings', [...auth, ['Content-Type', 'application/json']], '{"constructor":{"prototype":{"polluted":true}}}'],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], '['.repeat(50_000)],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], JSON.stringify({ startDateTime: 'yesterday', subject: 7 })],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], JSON.stringify({ participants: { attendees: 'all' } })],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], JSON.stringify({ participants: { attendees: [null, 1, 'x', { identity: 5 }] } })],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json']], JSON.stringify({ lobbyBypassSettings: { scope: { a: 1 } } })],
      [`/v1.0/users/${user}/onlineMeetings/createOrGet`, [...auth, ['Content-Type', 'application/json']], JSON.stringify({ externalId: 42 })],
      [`/v1.0/users/${user}/onlineMeetings/createOrGet`, [...auth, ['Content-Type', 'application/json']], 'null'],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json; charset=latin-1']], '{}'],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'text/plain']], '{}'],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', '']], '{}'],
      [`/v1.0/users/${user}/onlineMeetings`, auth, '{}'],
      [`/v1.0/users/${user}/onlineMeetings`, [...auth, ['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], '{}'],
    ];
    for (const [target, headers, body] of odd) requests.push(build(body === undefined ? 'GET' : 'POST', target, headers, body));
    // Requests Node's HTTP parser itself refuses, and some non-UTF-8 bytes in the target.
    requests.push(Buffer.from('BREW /v1.0/me HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
    requests.push(Buffer.from('GET /v1.0/me HTTP/9.9\r\nHost: localhost\r\n\r\n'));
    requests.push(Buffer.from('GET /v1.0/me\r\n\r\n'));
    requests.push(Buffer.from('\x00\x01\x02 garbage\r\n\r\n', 'latin1'));
    requests.push(Buffer.from('GET /v1.0/me HTTP/1.0\r\n\r\n'));
    requests.push(
      Buffer.from(`GET /v1.0/users/${user} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`),
    );
    requests.push(build('GET', Buffer.concat([Buffer.from('/v1.0/users/'), Buffer.from([0xc0, 0xaf, 0xff])]), auth));
    requests.push(build('GET', Buffer.concat([Buffer.from('/v1.0/users/x?$filter='), Buffer.from([0xe2, 0x82])]), auth));

    expect(requests.length).toBeGreaterThanOrEqual(300);
    const failures: string[] = [];
    for (let i = 0; i < requests.length; i += 16) {
      const batch = requests.slice(i, i + 16);
      const answers = await Promise.all(batch.map((r) => rawRequest(emu, r)));
      answers.forEach((answer, j) => {
        const sent = batch[j]!.subarray(0, 160).toString('latin1').split('\r\n')[0];
        if (!(answer.status >= 200 && answer.status < 600) || answer.status === 500) {
          failures.push(`${sent} -> ${answer.status} ${answer.body.slice(0, 200)}`);
          return;
        }
        const isHead = sent?.startsWith('HEAD ') === true;
        if (answer.status >= 400 && !isHead) {
          try {
            expectGraphError('v1.0', JSON.parse(answer.body));
          } catch (err) {
            failures.push(`${sent} -> ${answer.status} not Graph-shaped: ${answer.body.slice(0, 200)} (${String(err).slice(0, 200)})`);
          }
        }
      });
    }
    expect(failures.join('\n')).toBe('');

    const health = await fetch(`${emu.url}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const still = await graph(emu, `/v1.0/users/${user}/onlineMeetings/${meeting}`, token);
    expect(still.status).toBe(200);
    expectGraphType('v1.0', 'microsoft.graph.onlineMeeting', still.body);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
