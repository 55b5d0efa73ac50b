import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreOptions } from './store/database.js';

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
   * explicit --data-dir; otherwise (in memory, or PostgreSQL without --data-dir) a temporary directory.
   */
  blobDir?: string;
  /**
   * Library mode: add the local CA to this process's default CAs, so fetch and https here trust the
   * emulator with no NODE_EXTRA_CA_CERTS. Needs `tls.setDefaultCACertificates` (Node 22.15+, 24); on
   * older Node it does nothing (use NODE_EXTRA_CA_CERTS, or the `graph-comms-emulator/test-setup`
   * global setup). Default true for createEmulator(); the CLI never does it.
   */
  trustCa?: boolean;
}

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
}

export const DEFAULT_HTTPS_PORT = 8443;
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_DATA_DIR = '.graph-comms-emulator';

export function resolveConfig(options: EmulatorOptions, defaults: { port: number; inMemory: boolean }): ResolvedConfig {
  checkOptions(options);
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
    blobDir: options.blobDir !== undefined ? resolve(options.blobDir) : options.dataDir !== undefined || (store.kind === 'sqlite' && !inMemory) ? join(dataDir, 'blobs') : undefined,
  };
}

/** Refuse what would otherwise be silently ignored or fail later with a less helpful message. */
function checkOptions(options: EmulatorOptions): void {
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

/**
 * PostgreSQL holds the rows but not the recording and transcript bytes: without --data-dir or
 * --blob-dir those go to a temporary directory of this process. They vanish when it exits, and
 * another instance on the same database answers 404 for content this one made. `start` warns with
 * this; `seed` refuses (its bytes would be gone the moment it exits).
 */
export function unsharedContentWarning(config: ResolvedConfig): string | undefined {
  if (config.store.kind !== 'postgres' || config.blobDir !== undefined) return undefined;
  return (
    'recording and transcript content is kept in a temporary directory of this process (PostgreSQL stores only the rows): ' +
    'it is lost when the process exits, and other instances on this database answer 404 for it. Give --data-dir or --blob-dir (a directory all instances share) to keep it.'
  );
}
