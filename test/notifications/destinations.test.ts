import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { DestinationPolicy, type HostResolver } from '../../src/notifications/destinationPolicy.js';
import { post, PostFailed } from '../../src/notifications/httpPost.js';
import { produceRecording } from '../support/artifactChanges.js';
import { guardConnects, type ConnectGuard } from '../support/connectGuard.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { expectGraphFailure, graph, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe } from './support.js';

/*
 * No SSRF through notificationUrl. Nothing here may connect anywhere but loopback even when the code
 * under test is wrong: the connect guard fails every TCP connect to another address before its system
 * call (and the test asserts there was none, or exactly the one the policy was meant to let through),
 * and host names resolve through a fake resolver, never DNS.
 */

let guard: ConnectGuard;
/** Host name → addresses; tests change it to rebind a name. */
const names: Record<string, string[]> = {};
const asked: string[] = [];
const resolver: HostResolver = (hostname) => {
  asked.push(hostname);
  const found = names[hostname];
  if (found === undefined) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  return Promise.resolve(found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};
let receiver: WebhookReceiver;

beforeAll(async () => {
  guard = guardConnects();
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await receiver?.stop();
  guard?.restore();
});
afterEach(() => {
  // Any connect to a non-loopback address a test did not take and assert on is a failure.
  expect(guard.takeOutside()).toEqual([]);
});

function setNames(): void {
  for (const key of Object.keys(names)) delete names[key];
  Object.assign(names, {
    'evil.test': ['169.254.169.254'],
    'ten.test': ['10.0.0.1'],
    'six.test': ['fd00::1'],
    'mixed.test': ['127.0.0.1', '10.0.0.1'],
    'hooks.test': ['127.0.0.1'],
    'rebind.test': ['127.0.0.1'],
  });
}

const body = (emu: TestEmulator, notificationUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  changeType: 'created',
  notificationUrl,
  resource: 'communications/onlineMeetings/getAllRecordings',
  expirationDateTime: inMinutes(emu, 50),
  clientState: 'cs',
  ...extra,
});

const recording = (emu: TestEmulator) => produceRecording(emu, { tenantId: emu.demo.tenantId, organizerId: emu.demo.organizerUserId, meetingId: emu.demo.meetingId });

describe('the default policy: loopback only', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    setNames();
    emu = await startTestEmulator({ resolveNotificationHost: resolver });
  });
  afterAll(() => emu?.stop());

  it('answers 400 for a name that resolves outside loopback, naming the host and the flag, with no connect', async () => {
    const cases: Array<[string, string]> = [
      ['evil.test', '169.254.169.254'],
      ['ten.test', '10.0.0.1'],
      ['six.test', 'fd00::1'],
      ['mixed.test', '10.0.0.1'],
    ];
    for (const [name, address] of cases) {
      const url = `https://${name}/hook`;
      const res = await subscribe(emu, body(emu, url));
      const error = expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest');
      expect(error.message).toContain(`Invalid notificationUrl '${url}': host '${name}' is not allowed (it resolves to ${address})`);
      expect(error.message).toContain(`--allow-notification-host ${name}`);
      expect(asked).toContain(name);
    }
    expect(guard.attempts.filter((a) => !a.startsWith('127.') && !a.startsWith('[::1]'))).toEqual([]);
  });

  it('answers 400 for IP-literal hosts outside loopback before any connect', async () => {
    for (const url of [
      'https://10.0.0.1/hook',
      'https://[fd00::1]/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[fe80::1]:8443/',
      'https://0xa9fea9fe/',
    ]) {
      const res = await subscribe(emu, body(emu, url));
      expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest', /^Invalid notificationUrl '.*': host '.*' is not allowed: .*--allow-notification-host/);
    }
    // http:// to such a host is refused by the scheme rule, before the policy is even asked.
    const res = await subscribe(emu, body(emu, 'http://169.254.169.254/latest'));
    expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest', /it must use https/);
  });

  it('checks lifecycleNotificationUrl too, and names it', async () => {
    const res = await subscribe(emu, body(emu, `${receiver.url}/ok`, { lifecycleNotificationUrl: 'https://ten.test/life' }));
    expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest', /^Invalid lifecycleNotificationUrl 'https:\/\/ten\.test\/life': host 'ten\.test' is not allowed/);
  });

  it('PATCH to a refused notificationUrl is a 400 and keeps the old URL', async () => {
    const created = await subscribe(emu, body(emu, `${receiver.url}/kept`));
    expect(created.status).toBe(201);
    const token = await mintToken(emu);
    const id = String(created.body['id']);
    const patch = await graph(emu, `/v1.0/subscriptions/${id}`, token, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notificationUrl: 'https://[fd00::1]/moved' }),
    });
    expectGraphFailure(patch, 'v1.0', 400, 'InvalidRequest', /host 'fd00::1' is not allowed: .*--allow-notification-host \[fd00::1\]/);
    const got = await graph(emu, `/v1.0/subscriptions/${id}`, token);
    expect(got.body['notificationUrl']).toBe(`${receiver.url}/kept`);
  });

  it('takes localhost and *.localhost without asking DNS', async () => {
    const port = new URL(receiver.url).port;
    const before = receiver.validations.length;
    for (const url of [`http://localhost:${port}/a`, `http://hooks.localhost:${port}/b`]) {
      const res = await subscribe(emu, body(emu, url));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(receiver.validations.length).toBe(before + 2);
    expect(asked.filter((n) => n.endsWith('localhost'))).toEqual([]);
  });

  it('does not follow redirects: not from the handshake, not from a notification', async () => {
    const hits: string[] = [];
    // Answers the handshake with a redirect to the receiver when asked to, else echoes the token and redirects notifications.
    let redirectHandshake = true;
    const redirector: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      if (token !== null && !redirectHandshake) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      res.writeHead(307, { location: `${receiver.url}/redirected` }).end();
    });
    await new Promise<void>((done) => redirector.listen(0, '127.0.0.1', done));
    try {
      const at = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      const before = receiver.validations.length;
      const refused = await subscribe(emu, body(emu, `${at}/hook`));
      expectGraphFailure(refused, 'v1.0', 400, 'ValidationError', /Notification endpoint must respond with 200 OK/);
      expect(receiver.validations.length).toBe(before);

      redirectHandshake = false;
      const created = await subscribe(emu, body(emu, `${at}/hook`));
      expect(created.status).toBe(201);
      await recording(emu);
      await flush(emu);
      const [delivery] = await deliveries(emu, `?subscriptionId=${String(created.body['id'])}`);
      expect(delivery!.attempts[0]).toMatchObject({ statusCode: 307, error: 'HTTP 307', outcome: 'retry' });
      expect(receiver.items('/redirected')).toEqual([]);
      expect(hits.length).toBe(3);
    } finally {
      redirector.closeAllConnections();
      await new Promise((done) => redirector.close(done));
    }
  });
});

describe('post(): a name that rebinds after a good connect', () => {
  it('is looked up again and refused before the second connect', async () => {
    let answer = '127.0.0.1';
    const policy = new DestinationPolicy([], () => Promise.resolve([{ address: answer, family: 4 }]));
    const url = new URL(`http://rebind.test:${new URL(receiver.url).port}/rebound`);
    // Without keep-alive (a kept-alive socket would be reused, to the address checked when it connected).
    const first = await post(url, '{"value":[]}', 'application/json', 5_000, policy, false);
    expect(first.status).toBe(202);
    answer = '10.0.0.1';
    const refused = await post(url, '{"value":[]}', 'application/json', 5_000, policy).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(PostFailed);
    expect(refused).toMatchObject({ refused: true, timedOut: false, message: expect.stringMatching(/^not sent: host 'rebind\.test' is not allowed \(it resolves to 10\.0\.0\.1\)/) });
    expect(receiver.received.filter((r) => r.path === '/rebound')).toHaveLength(1);
  });
});

describe('an allow list', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    setNames();
    emu = await startTestEmulator({ resolveNotificationHost: resolver, allowNotificationHosts: [`hooks.test:${new URL(receiver.url).port}`, 'ten.test'] });
  });
  afterAll(() => emu?.stop());

  it('an allowed host:port gets the handshake and notifications, over http too', async () => {
    const url = `http://hooks.test:${new URL(receiver.url).port}/allowed`;
    const res = await subscribe(emu, body(emu, url));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const produced = await recording(emu);
    await flush(emu);
    expect(receiver.items('/allowed').map((i) => (i['resourceData'] as { id: string }).id)).toEqual([produced.id]);
  });

  it('a host named without a port is let through to what it resolves to (the guard stops the connect); one not named is not', async () => {
    const through = await subscribe(emu, body(emu, 'https://ten.test/hook'));
    expectGraphFailure(through, 'v1.0', 400, 'ValidationError');
    expect(guard.takeOutside()).toEqual(['10.0.0.1:443']);
    const refused = await subscribe(emu, body(emu, 'https://six.test/hook'));
    expectGraphFailure(refused, 'v1.0', 400, 'InvalidRequest', /host 'six\.test' is not allowed/);
  });
});

describe("'*'", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    setNames();
    emu = await startTestEmulator({ resolveNotificationHost: resolver, allowNotificationHosts: ['*'] });
  });
  afterAll(() => emu?.stop());

  it('lets other hosts through (the guard stops the connect)', async () => {
    const res = await subscribe(emu, body(emu, 'https://ten.test/hook'));
    expectGraphFailure(res, 'v1.0', 400, 'ValidationError');
    expect(guard.takeOutside()).toEqual(['10.0.0.1:443']);
  });

  it('still refuses link-local and cloud-metadata hosts, with no connect', async () => {
    asked.length = 0;
    for (const url of ['https://evil.test/', 'https://169.254.169.254/', 'https://[fd00:ec2::254]/', 'https://[fe80::1]/', 'https://metadata.google.internal/computeMetadata/v1/']) {
      const res = await subscribe(emu, body(emu, url));
      expectGraphFailure(res, 'v1.0', 400, 'InvalidRequest', /is not allowed.*(refused even with '\*'|cloud metadata host)/);
    }
    expect(asked).toEqual(['evil.test']);
  });

  it('a name that later resolves to a metadata address: the delivery fails unsent, logged, with no connect', async () => {
    const url = `http://rebind.test:${new URL(receiver.url).port}/rebind`;
    const res = await subscribe(emu, body(emu, url));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The handshake's connection was not kept: the delivery connects, and is checked, afresh.
    names['rebind.test'] = ['169.254.169.254'];
    await recording(emu);
    await flush(emu);
    const [delivery] = await deliveries(emu, `?subscriptionId=${String(res.body['id'])}`);
    expect(delivery!.status).toBe('pending');
    expect(delivery!.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        statusCode: null,
        outcome: 'retry',
        error: expect.stringMatching(/^not sent: host 'rebind\.test' is not allowed \(it resolves to 169\.254\.169\.254\): a cloud metadata address/),
      }),
    ]);
    expect(receiver.items('/rebind')).toEqual([]);
  });
});

describe('configuration', () => {
  it('refuses an allow-list entry that is not HOST[:PORT] or *', async () => {
    await expect(createEmulator({ inMemory: true, http: true, allowNotificationHosts: ['https://hooks.test/'] })).rejects.toThrow(
      /^invalid --allow-notification-host \(allowNotificationHosts\) 'https:\/\/hooks\.test\/'/,
    );
  });

  it('keeps the effective allow list in config', async () => {
    const emu = await startTestEmulator({ http: true, allowNotificationHosts: ['hooks.test:8443', '*'] });
    try {
      expect(emu.config.allowNotificationHosts).toEqual(['hooks.test:8443', '*']);
    } finally {
      await emu.stop();
    }
  });
});
