import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

/**
 * Where the emulator may send validation handshakes and notifications (no SSRF through a
 * subscription's notificationUrl). By default only loopback: 127.0.0.0/8, ::1, ::ffff:127.x, and
 * names that resolve only to those; `localhost` and `*.localhost` are loopback without asking DNS
 * (RFC 6761, https://www.rfc-editor.org/rfc/rfc6761#section-6.3). Other hosts need naming in the
 * allow list (`HOST` or `HOST:PORT`), or `*` for all. Link-local and cloud-metadata addresses are
 * refused even under `*` unless the URL's exact host is named.
 *
 * The check runs on the resolved addresses at connect time: `lookupFor` is the `lookup` of the
 * request, so the address a socket connects to is the one that was checked (a name that rebinds to
 * another address later is checked again). IP literals never reach a lookup, so `checkLiteral` runs
 * before the request is made.
 */

export type AddressClass = 'loopback' | 'linkLocal' | 'metadata' | 'other';

/** Resolves a host name to every address it has (as dns.lookup with `all: true`). */
export type HostResolver = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface AllowEntry {
  /** As URL.hostname spells it, without IPv6 brackets. */
  host: string;
  /** undefined: any port. */
  port: number | undefined;
}

/** The flag an operator uses to widen the policy; refusal messages name it. */
export const ALLOW_FLAG = '--allow-notification-host';

/** Cloud instance-metadata services (AWS, GCP, Azure, Oracle, Alibaba, ECS task metadata, Azure's wire server). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16']);
/** AWS's IPv6 instance-metadata address, fd00:ec2::254, as eight 16-bit words. */
const METADATA_V6 = [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254];
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true });

function ipv4Class(text: string): AddressClass {
  const octets = text.split('.').map(Number);
  if (METADATA_V4.has(text)) return 'metadata';
  if (octets[0] === 127) return 'loopback';
  if (octets[0] === 169 && octets[1] === 254) return 'linkLocal';
  return 'other';
}

/** An IPv6 address as its eight 16-bit words (zone id dropped), or undefined when it is not one. */
export function ipv6Words(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIP(s) !== 6) return undefined;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const o = last.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const tailWords = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headWords.length - tailWords.length;
  return [...headWords, ...Array<string>(zeros).fill('0'), ...tailWords].map((w) => parseInt(w, 16));
}

const v4Of = (w: number[]): string => [w[6]! >> 8, w[6]! & 0xff, w[7]! >> 8, w[7]! & 0xff].join('.');

/** What kind of address an IP literal is (anything not an IP address is 'other'). */
export function classifyAddress(address: string): AddressClass {
  if (isIP(address) === 4) return ipv4Class(address);
  const w = ipv6Words(address);
  if (w === undefined) return 'other';
  const zeroUpTo = (n: number): boolean => w.slice(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d is the IPv4 address itself.
  if (zeroUpTo(5) && w[5] === 0xffff) return ipv4Class(v4Of(w));
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address: never its link-local / metadata ones.
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) {
    const embedded = ipv4Class(v4Of(w));
    return embedded === 'loopback' ? 'other' : embedded;
  }
  if (zeroUpTo(7) && w[7] === 1) return 'loopback';
  if (w.every((x, i) => x === METADATA_V6[i])) return 'metadata';
  if ((w[0]! & 0xffc0) === 0xfe80) return 'linkLocal';
  return 'other';
}

/** URL.hostname without IPv6 brackets or a trailing dot. */
const bare = (hostname: string): string =>
  hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

const isLocalhostName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/** `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6 address; an error message otherwise. */
export function parseAllowEntry(text: string): AllowEntry | string {
  const trimmed = text.trim();
  const problem = `invalid ${ALLOW_FLAG} '${text}': give a host name or IP address, optionally with :PORT (e.g. webhooks.internal:8443, [fd00::5]), or '*' for any host.`;
  if (trimmed === '' || /[/@?#\s]/.test(trimmed)) return problem;
  const authority = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed;
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return problem;
  }
  // URL drops a port of 80 for http:, so read the port from the text.
  const portText = /^(?:\[[^\]]*\]|[^:]*):(\d+)$/.exec(authority)?.[1];
  if (/:$/.test(authority) || url.hostname === '') return problem;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return problem;
  return { host: bare(url.hostname), port };
}

const portOf = (url: URL): number => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** How the start-up output states a policy. */
export function describeDestinations(allow: readonly string[]): string {
  if (allow.includes('*')) return 'any host except link-local and cloud-metadata addresses';
  if (allow.length === 0) return `loopback only (${ALLOW_FLAG} HOST[:PORT] for others)`;
  return `loopback and ${allow.join(', ')}`;
}

/** Raised through a request's lookup when the policy refuses its host; the request never connects. */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class DestinationPolicy {
  readonly allowAll: boolean;
  private readonly entries: AllowEntry[];

  /** `allow` entries must be valid (config checks them with parseAllowEntry). */
  constructor(
    readonly allow: readonly string[] = [],
    private readonly resolver: HostResolver = systemResolver,
  ) {
    this.allowAll = allow.includes('*');
    this.entries = allow
      .filter((e) => e !== '*')
      .flatMap((e) => {
        const parsed = parseAllowEntry(e);
        if (typeof parsed === 'string') throw new Error(parsed);
        return [parsed];
      });
  }

  describe(): string {
    return describeDestinations(this.allow);
  }

  /** Is this exact host (and port) named in the allow list? */
  private named(host: string, port: number): boolean {
    return this.entries.some((e) => e.host === host && (e.port === undefined || e.port === port));
  }

  /** Is the URL's host allowed without resolving it: a loopback name or literal, named, or under `*`? (http:// is accepted for these.) */
  allowsByName(url: URL): boolean {
    const host = bare(url.hostname);
    if (isLocalhostName(host) || (isIP(host) !== 0 && classifyAddress(host) === 'loopback')) return true;
    return this.named(host, portOf(url)) || (this.allowAll && !METADATA_NAMES.has(host));
  }

  /** The decision for a host, on every address it resolved to. */
  decide(hostname: string, port: number, addresses: readonly string[]): Verdict {
    const host = bare(hostname);
    if (this.named(host, port)) return { ok: true };
    const allowIt = `name it with ${ALLOW_FLAG} ${host.includes(':') ? `[${host}]` : host} (allowNotificationHosts in createEmulator) to allow it`;
    if (METADATA_NAMES.has(host)) return { ok: false, reason: `host '${host}' is not allowed: it is a cloud metadata host, refused even with '*'; ${allowIt}.` };
    const resolvesTo = (address: string): string => (address === host ? '' : ` (it resolves to ${address})`);
    for (const address of addresses) {
      const kind = classifyAddress(address);
      if (kind === 'linkLocal' || kind === 'metadata') {
        const what = kind === 'metadata' ? 'a cloud metadata address' : 'a link-local address';
        return { ok: false, reason: `host '${host}' is not allowed${resolvesTo(address)}: ${what} is refused even with '*'; ${allowIt}.` };
      }
    }
    if (addresses.length === 0) return { ok: false, reason: `host '${host}' has no address.` };
    if (this.allowAll) return { ok: true };
    const outside = addresses.find((a) => classifyAddress(a) !== 'loopback');
    if (outside !== undefined) {
      return { ok: false, reason: `host '${host}' is not allowed${resolvesTo(outside)}: notifications go to loopback only unless the host is allowed; ${allowIt}.` };
    }
    return { ok: true };
  }

  /** For an IP-literal host (Node does not look those up): the decision; undefined for a name. */
  checkLiteral(url: URL): Verdict | undefined {
    const host = bare(url.hostname);
    return isIP(host) === 0 ? undefined : this.decide(host, portOf(url), [host]);
  }

  /** Resolve a name (localhost names without DNS) and decide; a failed lookup is an error as dns.lookup's. */
  async resolve(hostname: string, port: number): Promise<{ ok: true; addresses: LookupAddress[] } | { ok: false; reason: string }> {
    const host = bare(hostname);
    // A metadata host name is refused before anything is asked of DNS.
    if (METADATA_NAMES.has(host) && !this.named(host, port)) return this.decide(host, port, []) as { ok: false; reason: string };
    const found: LookupAddress[] = isLocalhostName(host)
      ? [
          { address: '127.0.0.1', family: 4 },
          { address: '::1', family: 6 },
        ]
      : (await this.resolver(host)).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
    const verdict = this.decide(
      host,
      port,
      found.map((a) => a.address),
    );
    return verdict.ok ? { ok: true, addresses: found } : verdict;
  }

  /**
   * The `lookup` option of an http(s) request to `url`: resolves, checks every address, and only
   * then hands them to the socket; a refused host fails the request with DestinationRefused.
   */
  lookupFor(url: URL): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
    const port = portOf(url);
    return (hostname, options, callback) => {
      this.resolve(hostname, port).then(
        (result) => {
          if (!result.ok) return callback(new DestinationRefused(result.reason), '', 0);
          const wanted = options.family === 4 || options.family === 6 ? result.addresses.filter((a) => a.family === options.family) : result.addresses;
          if (options.all === true) return callback(null, wanted);
          const first = wanted[0];
          if (first === undefined) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
          callback(null, first.address, first.family);
        },
        (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
      );
    };
  }
}
