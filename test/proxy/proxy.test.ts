import { request as httpsRequest } from 'node:https';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createEmulator } from '../../src/emulator.js';
import type { SimulationResult } from '../../src/emulator.js';
import { inMinutes, testCertificate } from '../notifications/support.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { control, controlJson } from '../support/control.js';
import { startTestEmulator, tlsDir, useEmulator, type TestEmulator } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { guardConnects, type ConnectGuard } from '../support/connectGuard.js';
import { connectThrough, plainThrough, proxyOf, tokenViaProxy, viaProxy } from './support.js';

// Nothing here may connect beyond loopback, whatever the proxy decides: the guard blocks and records it.
let guard: ConnectGuard;
beforeAll(() => void (guard = guardConnects()));
afterAll(() => guard.restore());
afterEach(() => expect(guard.takeOutside()).toEqual([]));

const errorOf = (body: string): { code: string; message: string } => (JSON.parse(body) as { error: { code: string; message: string } }).error;

describe('the drop-in proxy refuses what it does not serve', () => {
  const emu = useEmulator({ proxyPort: 0 });

  it('listens on 127.0.0.1 unless asked otherwise', () => {
    expect(proxyOf(emu)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.config.proxy).toMatchObject({ host: '127.0.0.1', passthrough: false });
  });

  it.each([
    ['another host', 'example.com:443', 'example.com is not a Microsoft host the emulator serves'],
    ['an IPv4 literal', '93.184.216.34:443', '93.184.216.34 is an IP address'],
    ['an IPv6 literal', '[2606:2800:220:1::1]:443', '2606:2800:220:1::1 is an IP address'],
    ['a loopback literal', '127.0.0.1:443', '127.0.0.1 is an IP address'],
    ['a Microsoft host on another port', 'graph.microsoft.com:8443', 'on port 443 only'],
  ])('CONNECT to %s: 403 with the reason', async (_what, authority, reason) => {
    const { status, body } = await connectThrough(proxyOf(emu), authority);
    expect(status).toBe(403);
    expect(errorOf(body)).toMatchObject({ code: 'Forbidden', message: expect.stringContaining(reason) });
  });

  it('a CONNECT that names no host:port: 400', async () => {
    const { status, body } = await connectThrough(proxyOf(emu), 'graph.microsoft.com');
    expect(status).toBe(400);
    expect(errorOf(body).message).toContain('CONNECT takes host:port');
  });

  it.each([
    ['to another host', 'http://example.com/index.html', 403, 'example.com is not a Microsoft host'],
    ['to Graph (HTTPS only)', 'http://graph.microsoft.com/v1.0/subscriptions', 403, 'served over HTTPS only'],
    ['with no absolute URI', '/v1.0/subscriptions', 400, "the emulator's forward proxy"],
  ])('a plain-HTTP GET %s: refused', async (_what, url, status, reason) => {
    const res = await plainThrough(proxyOf(emu), url);
    expect(res.status).toBe(status);
    expect(errorOf(res.body).message).toContain(reason);
  });

  it('a terminated tunnel still checks the token: Graph without one is 401 at graph.microsoft.com', async () => {
    const res = await viaProxy(emu, 'https://graph.microsoft.com/v1.0/subscriptions');
    expect(res.status).toBe(401);
  });

  it('proxy options without a proxy port are refused', async () => {
    await expect(createEmulator({ proxyPassthrough: true, tlsDir: tlsDir() })).rejects.toThrow(ConfigError);
    await expect(createEmulator({ proxyPort: 70000, tlsDir: tlsDir() })).rejects.toThrow(/proxyPort/);
    await expect(createEmulator({ hostnames: ['bad name'], tlsDir: tlsDir() })).rejects.toThrow(/not a DNS name/);
  });
});

describe('--proxy-passthrough tunnels other hosts through the connect hook', () => {
  let echo: Server;
  let emu: TestEmulator;
  const asked: string[] = [];
  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    const echoPort = (echo.address() as AddressInfo).port;
    emu = await startTestEmulator({
      proxyPort: 0,
      proxyPassthrough: true,
      // Never leave loopback: every upstream is the local echo server, or a closed port for "down.test".
      proxyConnect: (port, host) => {
        asked.push(`${host}:${port}`);
        return connect(host === 'down.test' ? 1 : echoPort, '127.0.0.1');
      },
    });
  });
  afterAll(async () => {
    await emu.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('bytes go both ways through the tunnel', async () => {
    const proxy = new URL(proxyOf(emu));
    const socket = connect(Number(proxy.port), proxy.hostname);
    socket.write('CONNECT elsewhere.test:443 HTTP/1.1\r\nHost: elsewhere.test:443\r\n\r\n');
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.endsWith('\r\n\r\n') && seen.startsWith('HTTP/1.1 200')) socket.write('ping');
    });
    await new Promise<void>((resolve) => socket.on('data', () => seen.endsWith('ping') && resolve()));
    socket.destroy();
    expect(seen).toBe('HTTP/1.1 200 Connection Established\r\n\r\nping');
    expect(asked).toContain('elsewhere.test:443');
  });

  it('an upstream that cannot be reached: 502 naming it', async () => {
    const { status, body } = await connectThrough(proxyOf(emu), 'down.test:443');
    expect(status).toBe(502);
    expect(errorOf(body).message).toContain('could not reach down.test:443');
  });

  it('Microsoft hosts are still served by the emulator, not tunneled', async () => {
    expect(await tokenViaProxy(emu)).toMatch(/^ey/);
    expect(asked.some((target) => target.includes('microsoft'))).toBe(false);
  });
});

describe('names the client used, in every link', () => {
  const emu = useEmulator({ proxyPort: 0, publicUrl: 'https://emulator.example.test' });
  const receiver = new WebhookReceiver();
  beforeAll(async () => void (await receiver.start()));
  afterAll(() => receiver.stop());

  it('a subscription made through the proxy notifies; its resource is readable through the proxy', async () => {
    const token = await tokenViaProxy(emu);
    const auth = { authorization: `Bearer ${token}` };
    const created = await viaProxy(emu, 'https://graph.microsoft.com/v1.0/subscriptions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ changeType: 'created', notificationUrl: `${receiver.url}/hook`, resource: 'communications/onlineMeetings/getAllRecordings', expirationDateTime: inMinutes(emu, 55) }),
    });
    expect(created.status).toBe(201);
    const subscription = (await created.json()) as Record<string, string>;
    // Through the proxy the links name graph.microsoft.com even though a public URL is configured.
    expect(subscription['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity');

    // The public URL names no real host: the control API is called at the address the emulator listens on.
    const local = { url: `https://localhost:${emu.port}` };
    const sim = await controlJson<SimulationResult>(local, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, {});
    expect((await control(local, 'POST', '/deliveries/flush')).status).toBe(200);
    const [item] = await receiver.waitForItems(1, 10_000, '/hook');
    expect(item).toMatchObject({ subscriptionId: subscription['id'], changeType: 'created', resource: expect.stringContaining(sim.recordingId!) });

    const read = await viaProxy(emu, `https://graph.microsoft.com/v1.0/${String(item!['resource'])}`, { headers: auth });
    expect(read.status).toBe(200);
    const recording = (await read.json()) as Record<string, string>;
    expect(recording).toMatchObject({ id: sim.recordingId, meetingId: emu.demo.meetingId });
    expect(recording['recordingContentUrl']!.startsWith('https://graph.microsoft.com/v1.0/')).toBe(true);

    // A page of the meeting's recordings (the demo one and the new one): the next link names Graph's host too.
    const page = await viaProxy(emu, `https://graph.microsoft.com/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings?$top=1`, { headers: auth });
    expect(page.status).toBe(200);
    const nextLink = ((await page.json()) as Record<string, string>)['@odata.nextLink'];
    expect(nextLink?.startsWith('https://graph.microsoft.com/v1.0/users/')).toBe(true);
    expect((await viaProxy(emu, nextLink!, { headers: auth })).status).toBe(200);

    // The same request straight to the emulator keeps the configured public URL.
    const direct = await fetch(`${local.url}/v1.0/${String(item!['resource'])}`, { headers: auth });
    expect(((await direct.json()) as Record<string, string>)['@odata.context']!.startsWith('https://emulator.example.test/v1.0/')).toBe(true);
  });

  it('a rich subscription made through the proxy gets resource data whose links name graph.microsoft.com, and they read through the proxy', async () => {
    const token = await tokenViaProxy(emu);
    const auth = { authorization: `Bearer ${token}` };
    const certificate = await testCertificate();
    const created = await viaProxy(emu, 'https://graph.microsoft.com/v1.0/subscriptions', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created',
        notificationUrl: `${receiver.url}/rich`,
        resource: 'communications/onlineMeetings/getAllRecordings',
        expirationDateTime: inMinutes(emu, 55),
        includeResourceData: true,
        encryptionCertificate: certificate.certificateBase64Der,
        encryptionCertificateId: 'proxy-rich',
      }),
    });
    expect(created.status).toBe(201);
    const subscriptionId = ((await created.json()) as Record<string, string>)['id'];

    const local = { url: `https://localhost:${emu.port}` };
    const sim = await controlJson<SimulationResult>(local, 'POST', `/meetings/${emu.demo.meetingId}/simulate`, {});
    expect((await control(local, 'POST', '/deliveries/flush')).status).toBe(200);
    const items = await receiver.waitForItems(1, 10_000, '/rich');
    const item = items.find((i) => i['subscriptionId'] === subscriptionId);
    const data = await decryptNotification(certificate.privateKeyPem, item!['encryptedContent'] as EncryptedContentWire);
    expect(data).toMatchObject({ id: sim.recordingId });
    // Not the configured public URL, not localhost: the host the app called Graph by.
    const contentUrl = String(data['recordingContentUrl']);
    expect(contentUrl.startsWith('https://graph.microsoft.com/v1.0/')).toBe(true);
    const content = await viaProxy(emu, contentUrl, { headers: { ...auth, range: 'bytes=0-7' } });
    expect(content.status).toBe(206);
    expect((await content.arrayBuffer()).byteLength).toBe(8);
  });

  it('login.windows.net and sts.windows.net are served too (one identity platform, several names)', async () => {
    for (const host of ['login.windows.net', 'login.microsoft.com', 'sts.windows.net']) {
      const res = await viaProxy(emu, `https://${host}/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Record<string, string>)['issuer']).toBe(`https://${host}/${emu.demo.tenantId}/v2.0`);
    }
  });
});

describe('--hostnames', () => {
  const emu = useEmulator({ hostnames: ['graph.contoso.test'] });

  it('puts the name on the server certificate, and the emulator answers to it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: emu.port, servername: 'graph.contoso.test', path: '/_emulator/health', headers: { host: `graph.contoso.test:${emu.port}` }, ca: emu.caCertificate, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe('with --http', () => {
  const emu = useEmulator({ http: true, proxyPort: 0 });

  it('the proxy still terminates TLS for Microsoft hosts (the emulator itself serves plain HTTP)', async () => {
    expect(emu.url.startsWith('http://')).toBe(true);
    expect(emu.caCertificate).toContain('BEGIN CERTIFICATE');
    const token = await tokenViaProxy(emu);
    const res = await viaProxy(emu, `https://graph.microsoft.com/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string>)['@odata.context']!.startsWith('https://graph.microsoft.com/v1.0/$metadata#')).toBe(true);
  });
});
