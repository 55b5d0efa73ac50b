import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreOptions } from './store/database.js';
import type { UpstreamConnect } from './proxy/forwardProxy.js';
import { ALLOW_FLAG, classifyAddress, parseAllowEntry, type HostResolver } from './notifications/destinationPolicy.js';

/** Every option of the emulator, in one typed place: the CLI flags and createEmulator() both end here. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. CLI default 8443 (HTTPS) or 8080 (--http); library default 0. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /** Keep the store in memory (nothing survives the process). Library default true; CLI default false. */
  inMemory?: boolean;
  /** Where the SQLite store, TLS material and blobs live. Default `./.graph-comms-emulator`. */
  dataDir?: string;
  /** Use PostgreSQL instead of SQLite, e.g. `postgres://127.0.0.1:5432/graph`. */
  databaseUrl?: string;
  /** PostgreSQL schema to keep the tables in (each test suite uses its own). */
  databaseSchema?: string;
  /** Serve plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Where the local CA and server certificate live. Default `<dataDir>/tls`, or `~/.graph-comms-emulator/tls` in memory. */
  tlsDir?: string;
  /** The public base URL to put in absolute links, when the emulator sits behind a proxy. Default: the request's origin. */
  publicUrl?: string;
  /** Enforce Graph's rules that a local emulator relaxes (e.g. https-only notification URLs). */
  strict?: boolean;
  /**
   * pino log level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'. Library default
   * 'warn'; 'info' adds one line per request (the CLI's default).
   */
  logLevel?: string;
  /** 'json' (pino's lines, the default) or 'pretty' (one compact human line each). */
  logFormat?: LogFormat;
  /** Seed the demo tenant on an empty store. Default true. */
  demo?: boolean;
  /**
   * Where recording and transcript bytes live. Default `<dataDir>/blobs` for a SQLite file store or an
   * explicit --data-dir; with PostgreSQL and neither, the database itself (every instance on it reads the
   * bytes; store/pgContent.ts); in memory, a temporary directory.
   */
  blobDir?: string;
  /**
   * Library mode: add the local CA to this process's default CAs, so fetch and https here trust the
   * emulator with no NODE_EXTRA_CA_CERTS. Needs `tls.setDefaultCACertificates` (Node 22.15+, 24); on
   * older Node it does nothing (use NODE_EXTRA_CA_CERTS, or the `graph-comms-emulator/test-setup`
   * global setup). Default true for createEmulator(); the CLI never does it.
   */
  trustCa?: boolean;
  /**
   * Hosts besides loopback that subscriptions may send handshakes and notifications to: `HOST` or
   * `HOST:PORT` (e.g. `webhooks.internal:8443`, `[fd00::5]`), or `'*'` for any host. Link-local and
   * cloud-metadata addresses (169.254.169.254, fd00:ec2::254, metadata.google.internal…) stay refused
   * even under `'*'` unless the exact host is named. Default: none (loopback only). CLI:
   * --allow-notification-host (repeatable).
   */
  allowNotificationHosts?: string[];
  /**
   * How notification hosts are resolved (default: the system's, dns.lookup). The destination policy
   * applies to the addresses it returns; tests use it to point names at a local receiver.
   */
  resolveNotificationHost?: HostResolver;
  /**
   * A secret the control API (/_emulator) then requires on every request but GET /_emulator/health,
   * as `Authorization: Bearer TOKEN`. Not needed on a loopback address (the default); bound to any
   * other address (`0.0.0.0`, `::`, a LAN address) without one, the emulator makes one up and the
   * CLI prints it in its ready line (library: `emulator.config.adminToken`). Must not be empty.
   */
  adminToken?: string;
  /**
   * More names the emulator answers to in the Host header, besides localhost, *.localhost, IP
   * addresses, the bound host and the --public-url host: `graph.contoso.test`, `*.example.test`, or
   * `*` for any. Other names are refused (403), which stops DNS rebinding. Checked on loopback, or
   * on any address once names are given here.
   */
  allowedHosts?: string[];
  /**
   * The largest `recordingSizeBytes` the control API accepts (simulate, ad hoc calls, bot recordings);
   * larger is a 400 naming this cap. Default 1 GiB, at most 64 GiB. The MP4 is streamed into the blob
   * store, so memory stays flat: the cap is about disk, which one request could otherwise fill.
   */
  maxRecordingSizeBytes?: number;
  /**
   * How many requests the request recorder keeps for the dashboard and GET /_emulator/requests
   * (a ring buffer: the oldest goes first). Default 500; 0 records nothing.
   */
  requestHistory?: number;
  /**
   * Graph's slow-endpoint rules for webhooks (default true): once an endpoint has had 100
   * notifications in a 10-minute window, 10 % answered after 2.9 s delays its notifications by 10
   * minutes and 15 % drops them (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).
   * Faithful, but in a load test one stalled receiver gets most of the run dropped: `false` (CLI:
   * --no-slow-endpoint-rules) turns them off. Each delay or drop is in the delivery log with its
   * reason, and a warning is logged when an endpoint is flagged or recovers.
   */
  slowEndpointRules?: boolean;
  /**
   * Also send `subscriptionRemoved` (at expiry, or when the app loses the permission) and `missed`
   * (when change notifications are dropped) lifecycle notifications. NOT Graph's behaviour: for
   * recordings, transcripts and callRecords Graph sends only `reauthorizationRequired`
   * (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). Default false; CLI:
   * --extra-lifecycle-events.
   */
  extraLifecycleEvents?: boolean;
  /**
   * Also open the drop-in forward proxy on this port (0: a free one): clients with
   * `HTTPS_PROXY=http://127.0.0.1:PORT` that trust the local CA reach the emulator at
   * graph.microsoft.com, login.microsoftonline.com, login.windows.net, login.microsoft.com and
   * sts.windows.net with no code change; other hosts are refused. Default: no proxy. CLI: --proxy-port.
   */
  proxyPort?: number;
  /** Interface the proxy binds. Default 127.0.0.1; anything else exposes it to the network. CLI: --proxy-host. */
  proxyHost?: string;
  /** Tunnel CONNECTs to hosts other than Microsoft's instead of refusing them (apps that call elsewhere too). CLI: --proxy-passthrough. */
  proxyPassthrough?: boolean;
  /** How passthrough tunnels connect to other hosts (default: a TCP connection); tests keep it on loopback. */
  proxyConnect?: UpstreamConnect;
  /**
   * More names for the server certificate (besides localhost, 127.0.0.1, ::1), e.g.
   * graph.microsoft.com for a hosts-file entry or a container alias; the certificate is made again
   * when one is missing. They are also names the emulator answers to. CLI: --hostnames a,b.
   */
  hostnames?: string[];
  /**
   * What a simulated meeting's or ad hoc call's recording holds when the simulate request does not
   * say (`recordingKind`): `'spoken'` (the default: speech of its transcript, when the optional
   * synthesizer is installed, else the sample clip) or `'sample'` (the 3-second clip: a spoken
   * recording costs about a second of CPU per 20-30 s of meeting, which a suite simulating many
   * meetings may not want). Default: the GRAPH_EMULATOR_RECORDING_KIND environment variable, else
   * 'spoken'. CLI: --recording-kind.
   */
  recordingKind?: RecordingKindOption;
}

export const RECORDING_KINDS = ['spoken', 'sample'] as const;
export type RecordingKindOption = (typeof RECORDING_KINDS)[number];
/** The environment variable a test suite sets to keep its simulated recordings the sample clip. */
export const RECORDING_KIND_ENV = 'GRAPH_EMULATOR_RECORDING_KIND';

export type StoreConfig = StoreOptions;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What PostgreSQL's connection strings start with; anything else is not a store we can open. */
const DATABASE_URL_SCHEMES = ['postgres:', 'postgresql:'];

/** An option the emulator cannot start with; its message says what to change. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ResolvedConfig {
  port: number;
  host: string;
  protocol: 'https' | 'http';
  store: StoreConfig;
  tlsDir: string;
  publicUrl: string | undefined;
  strict: boolean;
  logLevel: string;
  logFormat: LogFormat;
  demo: boolean;
  /** undefined: a temporary directory, removed on close. */
  blobDir: string | undefined;
  /** The notification destinations allowed besides loopback (see EmulatorOptions). */
  allowNotificationHosts: string[];
  /** The control API's bearer token; undefined: none needed (loopback). */
  adminToken: string | undefined;
  /** Whether adminToken was made up at start (non-loopback host, none given): the CLI prints it. */
  adminTokenGenerated: boolean;
  /** Extra Host names (EmulatorOptions.allowedHosts), or undefined for none given. */
  allowedHosts: string[] | undefined;
  maxRecordingSizeBytes: number;
  /** The drop-in proxy's listener, or undefined when off. */
  proxy: { port: number; host: string; passthrough: boolean } | undefined;
  /** Extra names on the server certificate (EmulatorOptions.hostnames). */
  hostnames: string[];
  requestHistory: number;
  /** The default recording kind of simulations (EmulatorOptions.recordingKind). */
  recordingKind: RecordingKindOption;
}

export const DEFAULT_HTTPS_PORT = 8443;
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_DATA_DIR = '.graph-comms-emulator';

/** Default cap on recordingSizeBytes: 1 GiB, more than an hour-long Teams recording. */
export const DEFAULT_MAX_RECORDING_SIZE_BYTES = 1024 ** 3;
/** The cap's own ceiling: what the simulation can make at all (simulation/meetingScenario.ts checkRecordingSize). */
export const MAX_RECORDING_SIZE_CEILING = 64 * 1024 ** 3;

function checkMaxRecordingSize(options: EmulatorOptions): void {
  const cap = options.maxRecordingSizeBytes;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 0 || cap > MAX_RECORDING_SIZE_CEILING)) {
    throw new ConfigError(`maxRecordingSizeBytes must be a whole number of bytes from 0 to ${MAX_RECORDING_SIZE_CEILING} (64 GiB).`);
  }
}

/** Default size of the request recorder's ring buffer. */
export const DEFAULT_REQUEST_HISTORY = 500;

function checkRequestHistory(options: EmulatorOptions): void {
  const size = options.requestHistory;
  if (size !== undefined && (!Number.isInteger(size) || size < 0 || size > 100_000)) throw new ConfigError('requestHistory must be a whole number of requests from 0 to 100000.');
}

/** The option, else the environment variable, else spoken; anything else is refused. */
function resolveRecordingKind(options: EmulatorOptions): RecordingKindOption {
  const given = options.recordingKind ?? process.env[RECORDING_KIND_ENV] ?? 'spoken';
  const kind = RECORDING_KINDS.find((k) => k === given);
  if (kind === undefined) {
    const from = options.recordingKind !== undefined ? 'recordingKind' : RECORDING_KIND_ENV;
    throw new ConfigError(`${from} must be 'spoken' or 'sample', not '${String(given).slice(0, 40)}'.`);
  }
  return kind;
}

export function resolveConfig(options: EmulatorOptions, defaults: { port: number; inMemory: boolean }): ResolvedConfig {
  checkOptions(options);
  const recordingKind = resolveRecordingKind(options);
  checkMaxRecordingSize(options);
  checkRequestHistory(options);
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const inMemory = options.inMemory ?? (options.dataDir === undefined && options.databaseUrl === undefined ? defaults.inMemory : false);
  const store: StoreConfig =
    options.databaseUrl !== undefined
      ? { kind: 'postgres', url: options.databaseUrl, ...(options.databaseSchema !== undefined ? { schema: options.databaseSchema } : {}) }
      : { kind: 'sqlite', filename: inMemory ? ':memory:' : join(dataDir, 'emulator.sqlite') };
  const tlsDir = resolve(options.tlsDir ?? (inMemory && options.dataDir === undefined ? join(homedir(), DEFAULT_DATA_DIR, 'tls') : join(dataDir, 'tls')));
  return {
    port: options.port ?? defaults.port,
    host: options.host ?? '127.0.0.1',
    protocol: options.http === true ? 'http' : 'https',
    store,
    tlsDir,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    strict: options.strict ?? false,
    logLevel: options.logLevel ?? 'warn',
    logFormat: options.logFormat ?? 'json',
    demo: options.demo ?? true,
    allowNotificationHosts: [...(options.allowNotificationHosts ?? [])],
    blobDir: options.blobDir !== undefined ? resolve(options.blobDir) : options.dataDir !== undefined || (store.kind === 'sqlite' && !inMemory) ? join(dataDir, 'blobs') : undefined,
    maxRecordingSizeBytes: options.maxRecordingSizeBytes ?? DEFAULT_MAX_RECORDING_SIZE_BYTES,
    proxy: options.proxyPort === undefined ? undefined : { port: options.proxyPort, host: options.proxyHost ?? '127.0.0.1', passthrough: options.proxyPassthrough ?? false },
    hostnames: resolveHostnames(options.hostnames),
    requestHistory: options.requestHistory ?? DEFAULT_REQUEST_HISTORY,
    recordingKind,
    ...resolveExposure(options),
  };
}

/** --hostnames: DNS names (a certificate's SAN); an IP address is already covered or belongs in --host. */
function resolveHostnames(given: string[] | undefined): string[] {
  const names = (given ?? []).map((name) => name.trim().toLowerCase().replace(/\.$/, '')).filter((name) => name !== '');
  for (const name of names) {
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(name)) throw new ConfigError(`--hostnames '${name}' is not a DNS name (e.g. graph.microsoft.com).`);
  }
  return [...new Set(names)];
}

// Exposure: who may drive the control API --------------------------------------------------------

/**
 * Whether `host` (a --host value) is a loopback interface: `localhost`, 127.0.0.0/8 or ::1 (also as
 * ::ffff:127.x). The address classes are the notification destination policy's, so the two agree.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || classifyAddress(bare) === 'loopback';
}

/** Visible ASCII without spaces: what an HTTP header carries unchanged. */
const ADMIN_TOKEN = /^[\x21-\x7e]+$/;

/**
 * The admin token and extra host names. Off loopback, a control API anyone on the network could
 * drive would hand out every app's secret: without a token given, one is made up (and printed).
 */
function resolveExposure(options: EmulatorOptions): Pick<ResolvedConfig, 'adminToken' | 'adminTokenGenerated' | 'allowedHosts'> {
  const given = options.adminToken;
  if (given !== undefined && !ADMIN_TOKEN.test(given)) {
    throw new ConfigError(
      given === ''
        ? '--admin-token is empty: give a secret (or leave the flag out: on a non-loopback --host one is made up and printed).'
        : '--admin-token may only hold visible ASCII characters without spaces (it is sent as "Authorization: Bearer TOKEN").',
    );
  }
  const allowedHosts = options.allowedHosts?.map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  for (const name of allowedHosts ?? []) {
    if (!/^(\*|(\*\.)?[a-z0-9_.-]+|\[[0-9a-f:.]+\])$/.test(name)) throw new ConfigError(`--allowed-host '${name}' is not a host name (e.g. graph.contoso.test, *.contoso.test, or * for any).`);
  }
  const generate = given === undefined && !isLoopbackHost(options.host ?? '127.0.0.1');
  return {
    adminToken: generate ? randomBytes(24).toString('base64url') : given,
    adminTokenGenerated: generate,
    allowedHosts: allowedHosts !== undefined && allowedHosts.length > 0 ? allowedHosts : undefined,
  };
}

/** Refuse what would otherwise be silently ignored or fail later with a less helpful message. */
function checkOptions(options: EmulatorOptions): void {
  checkNotificationHosts(options);
  if (options.proxyPort !== undefined && (!Number.isInteger(options.proxyPort) || options.proxyPort < 0 || options.proxyPort > 65535)) {
    throw new ConfigError('proxyPort must be a whole number from 0 to 65535.');
  }
  if (options.proxyPort === undefined && (options.proxyHost !== undefined || options.proxyPassthrough === true)) {
    throw new ConfigError('--proxy-host and --proxy-passthrough need --proxy-port (they configure the drop-in proxy).');
  }
  if (options.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
    throw new ConfigError(`unknown log level '${options.logLevel}': use one of ${LOG_LEVELS.join(', ')}.`);
  }
  if (options.logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(options.logFormat)) {
    throw new ConfigError(`unknown log format '${String(options.logFormat)}': use json or pretty.`);
  }
  if (options.databaseUrl !== undefined) {
    if (options.inMemory === true) throw new ConfigError('--in-memory and --database-url contradict each other: the store is either in memory or in PostgreSQL.');
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(options.databaseUrl)?.[0].toLowerCase();
    if (scheme === undefined || !DATABASE_URL_SCHEMES.includes(scheme)) {
      throw new ConfigError(
        `unsupported database URL '${redactUrl(options.databaseUrl)}': only PostgreSQL is supported (postgres://user@host:5432/db); ` + 'leave --database-url out for the embedded SQLite store.',
      );
    }
  }
}

/** A URL's password never goes into a message. */
function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Each allowed notification host must be a host, host:port or '*'. */
function checkNotificationHosts(options: EmulatorOptions): void {
  for (const entry of options.allowNotificationHosts ?? []) {
    if (entry === '*') continue;
    const parsed = parseAllowEntry(entry);
    if (typeof parsed === 'string') throw new ConfigError(parsed.replace(ALLOW_FLAG, `${ALLOW_FLAG} (allowNotificationHosts)`));
  }
}
