#!/usr/bin/env node
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, LOG_FORMATS, LOG_LEVELS, MAX_RECORDING_SIZE_CEILING, RECORDING_KINDS, resolveConfig, type EmulatorOptions } from './config.js';
import { startEmulator, type Emulator } from './emulator.js';
import { startIdleCollector } from './runtime/idleCollector.js';
import { ensureTlsMaterial } from './tls/certificates.js';
import { trustInstructions } from './http/trust.js';
import { openWritableStore } from './store/openWritable.js';
import { emptyStore } from './store/reset.js';
import { runSeed } from './seedCommand.js';
import { describeDestinations } from './notifications/destinationPolicy.js';

/** Commander hands the flags over under the option names EmulatorOptions already uses. */
type StartFlags = EmulatorOptions & { allowNotificationHost?: string[] };

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return port;
};

const parseRecordingCap = (value: string): number => {
  const bytes = Number(value);
  if (value.trim() === '' || !Number.isInteger(bytes) || bytes < 0 || bytes > MAX_RECORDING_SIZE_CEILING) {
    throw new InvalidArgumentError(`a whole number of bytes from 0 to ${MAX_RECORDING_SIZE_CEILING} (64 GiB).`);
  }
  return bytes;
};

const parseRequestHistory = (value: string): number => {
  const size = Number(value);
  if (value.trim() === '' || !Number.isInteger(size) || size < 0 || size > 100_000) throw new InvalidArgumentError('a whole number of requests from 0 to 100000.');
  return size;
};

function toOptions(flags: StartFlags): EmulatorOptions {
  const options: EmulatorOptions = {};
  const { allowNotificationHost, ...rest } = flags;
  for (const key of Object.keys(rest) as Array<keyof EmulatorOptions>) {
    if (rest[key] !== undefined) (options as Record<string, unknown>)[key] = rest[key];
  }
  if (allowNotificationHost !== undefined) options.allowNotificationHosts = allowNotificationHost;
  return options;
}

/** --allow-notification-host repeats: each one adds a host. */
const collectHost = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * The package's version. The CLI runs as the bundle (dist/cli.mjs) or compiled (dist/src/cli.js),
 * one or two levels below package.json.
 */
function packageVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'graph-comms-emulator' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this one
    }
  }
  return 'unknown';
}

function readyLine(emulator: Emulator, elapsedMs: number): string {
  const { store } = emulator.config;
  const where = store.kind === 'postgres' ? 'postgresql' : store.filename === ':memory:' ? 'in-memory' : store.filename;
  const ca = emulator.caCertificatePath !== undefined ? `; CA: ${emulator.caCertificatePath} (trust it with NODE_EXTRA_CA_CERTS; "graph-comms-emulator ca" shows other stacks)` : '';
  const notifications = describeDestinations(emulator.config.allowNotificationHosts);
  const token = emulator.config.adminTokenGenerated ? `; admin token: ${emulator.config.adminToken ?? ''} (control API: send "Authorization: Bearer TOKEN"; --admin-token sets your own)` : '';
  // A made-up token is printed anyway: the dashboard link carries it in the fragment (never sent to the server), and the page trades it for its session cookie.
  // A token the user gave is not printed: the dashboard asks for it.
  const dashboard = `${emulator.url}/_emulator/ui${emulator.config.adminTokenGenerated ? `#token=${encodeURIComponent(emulator.config.adminToken ?? '')}` : ''}`;
  const proxy = emulator.proxyUrl !== undefined ? `; drop-in proxy: HTTPS_PROXY=${emulator.proxyUrl}` : '';
  return `graph-comms-emulator ready on ${emulator.url} (store: ${where}${ca}; demo: ${emulator.url}/_emulator/demo${token}; dashboard: ${dashboard}; notifications to: ${notifications}${proxy}) in ${Math.round(elapsedMs)} ms`;
}

const BLOB_DIR_HELP = 'where recording and transcript bytes live (default <data-dir>/blobs; with --database-url and no --data-dir, PostgreSQL itself)';

/**
 * The store flags. Contradictions are refused rather than one flag silently winning; a --data-dir
 * or --database-url from the environment is a default, so an explicit --in-memory overrides it.
 */
const storeFlags = (command: Command): Command =>
  command
    .addOption(new Option('--in-memory', 'keep the store in memory (nothing survives the process)').conflicts(['dataDir', 'databaseUrl']))
    .option('--data-dir <dir>', 'where the SQLite store and TLS material live', process.env['GRAPH_EMULATOR_DATA_DIR'])
    .option('--database-url <url>', 'use PostgreSQL, e.g. postgres://127.0.0.1:5432/graph', process.env['GRAPH_EMULATOR_DATABASE_URL'])
    .option('--database-schema <name>', 'PostgreSQL schema to keep the tables in (needs --database-url)')
    .hook('preAction', (_program, action) => {
      const flags = action.opts<StartFlags>();
      if (flags.databaseSchema !== undefined && flags.databaseUrl === undefined) action.error('error: --database-schema needs --database-url (it names a PostgreSQL schema).');
    });

/** A repeatable, comma-separated list flag. */
const collectNames = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',')];

const program = new Command()
  .name('graph-comms-emulator')
  .version(packageVersion(), '-V, --version', 'print the version')
  .description('A stateful, self-hosted emulator of the Microsoft Graph cloud-communications API for Teams meeting artifacts.')
  .addHelpText(
    'after',
    `
Examples:
  graph-comms-emulator start                          HTTPS on ${DEFAULT_HTTPS_PORT}, state in ./.graph-comms-emulator
  graph-comms-emulator start --port 0 --in-memory     a free port, nothing kept
  graph-comms-emulator start --http --port 8080       plain HTTP (curl, Kiota)
  graph-comms-emulator start --data-dir DIR           keep state in DIR
  graph-comms-emulator start --proxy-port 8000        also a drop-in proxy for unmodified apps
  graph-comms-emulator start --database-url postgres://127.0.0.1:5432/graph
  graph-comms-emulator reset --data-dir DIR           empty a store
  graph-comms-emulator ca                             where the CA is and how to trust it

Run "graph-comms-emulator start --help" for every start option.`,
  );

storeFlags(
  program
    .command('start', { isDefault: true })
    .description('serve the emulator (HTTPS on localhost) with a demo tenant')
    .option('-p, --port <port>', `port to listen on (default ${DEFAULT_HTTPS_PORT}, or ${DEFAULT_HTTP_PORT} with --http)`, parsePort)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--http', 'serve plain HTTP instead of HTTPS')
    .option('--tls-dir <dir>', 'where the local CA and server certificate live')
    .option('--public-url <url>', 'base URL for absolute links, when behind a proxy')
    .option('--strict', "enforce Graph's rules that a local emulator relaxes")
    .option(
      '--allow-notification-host <host[:port]>',
      "let subscriptions send to this host besides loopback (repeatable; '*' for any host, still not link-local/cloud-metadata unless named)",
      collectHost,
    )
    .addOption(new Option('--log-level <level>', 'info logs one line per request; warn only problems').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'json lines, or pretty: one compact human line each').choices(LOG_FORMATS).default('json'))
    .option('--no-demo', 'do not create the demo tenant on an empty store')
    .option('--admin-token <token>', 'require "Authorization: Bearer TOKEN" on the control API (made up and printed when --host is not loopback)', process.env['GRAPH_EMULATOR_ADMIN_TOKEN'])
    .option('--allowed-host <name>', 'another name clients may call the emulator by (Host header); repeatable, comma-separated, *.domain or *', collectNames)
    .option('--max-recording-size-bytes <bytes>', 'largest recordingSizeBytes the control API accepts (default 1073741824, 1 GiB)', parseRecordingCap)
    .option('--blob-dir <dir>', BLOB_DIR_HELP)
    .addOption(
      new Option(
        '--recording-kind <kind>',
        'what a simulated recording holds unless the request says: its transcript spoken (default; env GRAPH_EMULATOR_RECORDING_KIND) or the 3-second sample',
      ).choices(RECORDING_KINDS),
    )
    .option('--request-history <count>', 'requests the dashboard and GET /_emulator/requests keep (default 500; 0 records none)', parseRequestHistory)
    .option('--no-slow-endpoint-rules', "do not delay or drop notifications to endpoints that answer slowly (Graph's rule; off for load tests)")
    .option('--extra-lifecycle-events', 'also send subscriptionRemoved and missed lifecycle notifications (NOT what Graph sends for these resources)')
    .option('--proxy-port <port>', 'also open the drop-in forward proxy here (HTTPS_PROXY=http://127.0.0.1:PORT): graph.microsoft.com and login.microsoftonline.com reach the emulator', parsePort)
    .option('--proxy-host <host>', 'interface the proxy binds (default 127.0.0.1)')
    .option('--proxy-passthrough', "let the proxy tunnel hosts other than Microsoft's instead of refusing them")
    .option('--hostnames <names>', 'more names for the server certificate, e.g. graph.microsoft.com (comma-separated, repeatable)', collectNames),
).action(async ({ allowedHost, ...flags }: StartFlags & { allowedHost?: string[] }) => {
  const started = performance.now();
  // Listen for signals before printing the ready line: a supervisor may send one the moment it reads it.
  let emulator: Emulator | undefined;
  let stopRequested = false;
  let closing = false;
  const close = (): void => {
    closing = true;
    emulator!.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const stop = (): void => {
    if (closing) process.exit(1); // a second signal: do not wait any longer
    stopRequested = true;
    if (emulator !== undefined) close(); // still starting: closed once started
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  emulator = await startEmulator(
    { ...toOptions(flags), ...(allowedHost !== undefined ? { allowedHosts: allowedHost } : {}) },
    { port: flags.http === true ? DEFAULT_HTTP_PORT : DEFAULT_HTTPS_PORT, inMemory: false },
  );
  if (stopRequested) return close();
  console.log(readyLine(emulator, performance.now() - started));
  // For the launcher (dist/cli.mjs): start-up's compiled code can now go into its code cache.
  (process as EventEmitter).emit('graph-comms-emulator:ready');
  // Memory back after a burst, once the process is idle (runtime/idleCollector.ts); the timer is unref'd.
  startIdleCollector();
  for (const { fields, message } of emulator.internals.startupWarnings) emulator.internals.app.log.warn(fields, message);
});

storeFlags(program.command('reset').description('empty the store; the next start recreates the demo tenant')).action(async (flags: StartFlags) => {
  const config = resolveConfig(toOptions(flags), { port: DEFAULT_HTTPS_PORT, inMemory: false });
  const store = await openWritableStore(config.store);
  try {
    await emptyStore(store);
  } finally {
    await store.close();
  }
  console.log('store emptied');
});

const parseCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw new InvalidArgumentError('a whole number from 0 to 10000000.');
  return n;
};

storeFlags(
  program
    .command('seed')
    .description('bulk-create recordings and transcripts in a store (for delta and load tests), with a progress bar')
    .option('--recordings <n>', 'recordings to create', parseCount, 0)
    .option('--transcripts <n>', 'transcripts to create', parseCount, 0)
    .option('--tenant <id>', 'tenant (default: the demo tenant)')
    .option('--organizer <userId>', 'meeting organizer (default: the demo organizer)')
    .option('--per-meeting <n>', 'artifacts of a kind per meeting', parseCount, 10)
    .option('--batch <n>', 'artifacts per transaction', parseCount, 1000)
    .option('--no-progress', 'no progress bar')
    .option('--blob-dir <dir>', BLOB_DIR_HELP),
).action(async (flags: StartFlags & { recordings: number; transcripts: number; tenant?: string; organizer?: string; perMeeting: number; batch: number; progress: boolean }) => {
  const { recordings, transcripts, tenant, organizer, perMeeting, batch, progress, ...store } = flags;
  const result = await runSeed(toOptions(store), {
    recordings,
    transcripts,
    perMeeting: Math.max(1, perMeeting),
    batch: Math.max(1, batch),
    progress,
    ...(tenant !== undefined ? { tenant } : {}),
    ...(organizer !== undefined ? { organizer } : {}),
  });
  console.log(`seeded ${result.recordings} recordings and ${result.transcripts} transcripts in ${result.meetings} meetings in ${result.seconds.toFixed(1)} s`);
});

program
  .command('ca')
  .description('print where the local CA is and how to trust it (Node.js, Python, curl, .NET, Java, the OS); makes it if missing')
  .addOption(new Option('--in-memory', 'the CA that start --in-memory uses (~/.graph-comms-emulator/tls)').conflicts(['dataDir', 'tlsDir']))
  .option('--data-dir <dir>', 'the data dir whose tls/ holds the CA (default ./.graph-comms-emulator)', process.env['GRAPH_EMULATOR_DATA_DIR'])
  .option('--tls-dir <dir>', 'where the CA lives, as given to start --tls-dir')
  .option('--path', 'print only the absolute path, e.g. export NODE_EXTRA_CA_CERTS=$(graph-comms-emulator ca --path)')
  .action(async (flags: { inMemory?: boolean; dataDir?: string; tlsDir?: string; path?: boolean }) => {
    const { path, ...where } = flags;
    const config = resolveConfig(toOptions(where), { port: DEFAULT_HTTPS_PORT, inMemory: false });
    const tls = await ensureTlsMaterial(config.tlsDir);
    console.log(path === true ? tls.caCertificatePath : trustInstructions(tls.caCertificatePath, `https://localhost:${DEFAULT_HTTPS_PORT}`));
  });

// The default command takes no arguments, so a mistyped command would otherwise read as "too many
// arguments for 'start'".
const first = process.argv[2];
const commands = new Set([...program.commands.map((command) => command.name()), 'help']);
if (first !== undefined && !first.startsWith('-') && !commands.has(first)) {
  console.error(`graph-comms-emulator: unknown command '${first}'. Commands: ${[...commands].join(', ')} (see graph-comms-emulator --help).`);
  process.exit(1);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`graph-comms-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
