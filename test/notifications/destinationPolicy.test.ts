import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { classifyAddress, describeDestinations, DestinationPolicy, DestinationRefused, ipv6Words, parseAllowEntry, type HostResolver } from '../../src/notifications/destinationPolicy.js';

/** A resolver that answers from a table and records every name it was asked for (no DNS). */
function fakeResolver(table: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (hostname: string): Promise<Array<{ address: string; family: number }>> => {
    asked.push(hostname);
    const found = table[hostname];
    if (found === undefined) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { asked });
}

const table = {
  'evil.test': ['169.254.169.254'],
  'ten.test': ['10.0.0.1'],
  'six.test': ['fd00::1'],
  'mixed.test': ['127.0.0.1', '10.0.0.1'],
  'loop.test': ['127.0.0.1', '::1'],
  'loop4.test': ['127.1.2.3'],
  'mapped.test': ['::ffff:127.0.0.1'],
};

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['::ffff:169.254.0.7', 'linkLocal'],
    ['10.0.0.1', 'other'],
    ['192.168.1.1', 'other'],
    ['fd00::1', 'other'],
    ['::', 'other'],
    ['0.0.0.0', 'other'],
    ['64:ff9b::7f00:1', 'other'],
    ['fec0::1', 'other'],
    ['not-an-ip', 'other'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('expands IPv6 text to eight words', () => {
    expect(ipv6Words('fd00:ec2::254')).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(ipv6Words('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Words('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Words('10.0.0.1')).toBeUndefined();
  });
});

describe('parseAllowEntry', () => {
  it.each([
    ['hooks.test', { host: 'hooks.test', port: undefined }],
    ['Hooks.Test:8443', { host: 'hooks.test', port: 8443 }],
    ['hooks.test:80', { host: 'hooks.test', port: 80 }],
    ['10.0.0.5', { host: '10.0.0.5', port: undefined }],
    ['[fd00::5]:9000', { host: 'fd00::5', port: 9000 }],
    ['fd00:0::5', { host: 'fd00::5', port: undefined }],
    ['metadata.google.internal.', { host: 'metadata.google.internal', port: undefined }],
  ])('%s', (text, entry) => {
    expect(parseAllowEntry(text)).toEqual(entry);
  });

  it.each(['', ' ', 'http://hooks.test/', 'hooks.test:0', 'hooks.test:99999', 'hooks.test:', 'user@hooks.test', 'a b', '[fd00::5'])('refuses %j with a message naming the flag', (text) => {
    expect(parseAllowEntry(text)).toMatch(/^invalid --allow-notification-host/);
  });
});

describe('DestinationPolicy.decide', () => {
  const none = new DestinationPolicy([]);
  const star = new DestinationPolicy(['*']);
  const named = new DestinationPolicy(['hooks.test:8443', '169.254.169.254', 'metadata.google.internal', 'ten.test']);

  it('by default: loopback only, every address', () => {
    expect(none.decide('loop.test', 443, ['127.0.0.1', '::1'])).toEqual({ ok: true });
    expect(none.decide('mapped.test', 443, ['::ffff:127.0.0.1'])).toEqual({ ok: true });
    const refused = none.decide('mixed.test', 443, ['127.0.0.1', '10.0.0.1']);
    expect(refused).toEqual({
      ok: false,
      reason:
        "host 'mixed.test' is not allowed (it resolves to 10.0.0.1): notifications go to loopback only unless the host is allowed; name it with --allow-notification-host mixed.test (allowNotificationHosts in createEmulator) to allow it.",
    });
    expect(none.decide('10.0.0.1', 443, ['10.0.0.1'])).toMatchObject({ ok: false, reason: expect.stringMatching(/^host '10\.0\.0\.1' is not allowed: notifications go to loopback only/) });
    expect(none.decide('fd00::1', 443, ['fd00::1'])).toMatchObject({ ok: false, reason: expect.stringContaining('--allow-notification-host [fd00::1]') });
    expect(none.decide('nothing.test', 443, [])).toMatchObject({ ok: false });
  });

  it("'*' allows any host but link-local and metadata ones", () => {
    expect(star.decide('ten.test', 443, ['10.0.0.1'])).toEqual({ ok: true });
    expect(star.decide('six.test', 443, ['fd00::1'])).toEqual({ ok: true });
    expect(star.decide('evil.test', 443, ['169.254.169.254'])).toMatchObject({ ok: false, reason: expect.stringMatching(/a cloud metadata address is refused even with '\*'/) });
    expect(star.decide('fe.test', 443, ['10.0.0.1', 'fe80::1'])).toMatchObject({ ok: false, reason: expect.stringMatching(/a link-local address is refused even with '\*'/) });
    expect(star.decide('fd00:ec2::254', 443, ['fd00:ec2::254'])).toMatchObject({ ok: false });
    expect(star.decide('metadata.google.internal', 443, ['10.1.1.1'])).toMatchObject({ ok: false, reason: expect.stringMatching(/cloud metadata host/) });
  });

  it('a named host is allowed whatever it resolves to, on its port only when one is given', () => {
    expect(named.decide('hooks.test', 8443, ['10.0.0.9'])).toEqual({ ok: true });
    expect(named.decide('hooks.test', 443, ['10.0.0.9'])).toMatchObject({ ok: false });
    expect(named.decide('ten.test', 1234, ['10.0.0.1'])).toEqual({ ok: true });
    expect(named.decide('169.254.169.254', 80, ['169.254.169.254'])).toEqual({ ok: true });
    expect(named.decide('metadata.google.internal', 80, ['169.254.169.254'])).toEqual({ ok: true });
    // Named by address, not by a name that resolves to it.
    expect(named.decide('evil.test', 80, ['169.254.169.254'])).toMatchObject({ ok: false });
  });

  it('allowsByName: loopback names and literals, named hosts, and any non-metadata host under *', () => {
    const url = (text: string): URL => new URL(text);
    expect(none.allowsByName(url('http://localhost:1/'))).toBe(true);
    expect(none.allowsByName(url('http://a.b.localhost/'))).toBe(true);
    expect(none.allowsByName(url('http://127.9.9.9/'))).toBe(true);
    expect(none.allowsByName(url('http://[::1]/'))).toBe(true);
    expect(none.allowsByName(url('http://loop.test/'))).toBe(false);
    expect(named.allowsByName(url('https://hooks.test:8443/'))).toBe(true);
    expect(named.allowsByName(url('https://hooks.test/'))).toBe(false);
    expect(star.allowsByName(url('http://anything.test/'))).toBe(true);
    expect(star.allowsByName(url('http://metadata.google.internal/'))).toBe(false);
  });

  it('describes itself for the start-up output', () => {
    expect(describeDestinations([])).toBe('loopback only (--allow-notification-host HOST[:PORT] for others)');
    expect(describeDestinations(['a.test', 'b.test:9000'])).toBe('loopback and a.test, b.test:9000');
    expect(describeDestinations(['*'])).toBe('any host except link-local and cloud-metadata addresses');
  });
});

describe('DestinationPolicy lookup (what a request connects to)', () => {
  /** Calls the policy's lookup as net does and hands back what it answered. */
  function lookup(
    policy: DestinationPolicy,
    url: string,
    options: { all?: boolean; family?: number } = { all: true },
  ): Promise<{ err: Error | null; address: string | LookupAddress[]; family?: number }> {
    const u = new URL(url);
    return new Promise((resolve) => policy.lookupFor(u)(u.hostname, options, (err, address, family) => resolve({ err, address, family })));
  }

  it('resolves names, checks every address, and answers net in both shapes', async () => {
    const resolver = fakeResolver(table);
    const policy = new DestinationPolicy([], resolver);
    expect(await lookup(policy, 'https://loop.test/')).toEqual({
      err: null,
      address: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookup(policy, 'https://loop.test/', { family: 6 })).toEqual({ err: null, address: '::1', family: 6 });
    expect(await lookup(policy, 'https://loop4.test/', {})).toEqual({ err: null, address: '127.1.2.3', family: 4 });
    for (const name of ['evil.test', 'ten.test', 'six.test', 'mixed.test']) {
      const { err, address } = await lookup(policy, `https://${name}/`);
      expect(err).toBeInstanceOf(DestinationRefused);
      expect(err!.message).toContain(`--allow-notification-host ${name}`);
      expect(address).toBe('');
    }
    const missing = await lookup(policy, 'https://missing.test/');
    expect((missing.err as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('localhost and *.localhost are loopback without asking the resolver', async () => {
    const resolver = fakeResolver({ localhost: ['10.0.0.1'], 'app.localhost': ['10.0.0.1'] });
    const policy = new DestinationPolicy([], resolver);
    for (const url of ['http://localhost:1/', 'http://app.localhost/', 'http://LOCALHOST./']) {
      expect((await lookup(policy, url)).address).toEqual([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ]);
    }
    expect(resolver.asked).toEqual([]);
  });

  it('re-resolves every time, so a name that rebinds is refused at the next connect', async () => {
    let answer = ['127.0.0.1'];
    const policy = new DestinationPolicy([], (hostname) => Promise.resolve(hostname === 'rebind.test' ? answer.map((address) => ({ address, family: 4 })) : []));
    expect((await lookup(policy, 'https://rebind.test/')).err).toBeNull();
    answer = ['10.0.0.1'];
    expect((await lookup(policy, 'https://rebind.test/')).err).toBeInstanceOf(DestinationRefused);
  });

  it('a metadata host name is refused without a lookup, even under *', async () => {
    const resolver = fakeResolver({ 'metadata.google.internal': ['10.0.0.1'] });
    const { err } = await lookup(new DestinationPolicy(['*'], resolver), 'http://metadata.google.internal/');
    expect(err).toBeInstanceOf(DestinationRefused);
    expect(err!.message).toMatch(/cloud metadata host/);
    expect(resolver.asked).toEqual([]);
  });

  it('checks IP literals before any request (Node does not look them up)', () => {
    const policy = new DestinationPolicy([]);
    expect(policy.checkLiteral(new URL('http://127.0.0.1:9/'))).toEqual({ ok: true });
    expect(policy.checkLiteral(new URL('http://[::ffff:127.0.0.1]/'))).toEqual({ ok: true });
    expect(policy.checkLiteral(new URL('http://10.0.0.1/'))).toMatchObject({ ok: false });
    expect(policy.checkLiteral(new URL('http://[fd00::1]/'))).toMatchObject({ ok: false });
    expect(policy.checkLiteral(new URL('http://169.254.169.254/'))).toMatchObject({ ok: false });
    // URL spells 0xa9fea9fe as 169.254.169.254.
    expect(policy.checkLiteral(new URL('http://0xa9fea9fe/'))).toMatchObject({ ok: false });
    expect(policy.checkLiteral(new URL('http://hooks.test/'))).toBeUndefined();
  });
});
