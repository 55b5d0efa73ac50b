#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, resolveConfig, type EmulatorOptions } from './config.js';
import { startEmulator } from './emulator.js';
import { openStore } from './store/database.js';
import { emptyStore } from './store/reset.js';

interface StartFlags {
  port?: number;
  host?: string;
  inMemory?: boolean;
  dataDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  http?: boolean;
  tlsDir?: string;
  publicUrl?: string;
  strict?: boolean;
  logLevel?: string;
  demo?: boolean;
}

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return port;
};

function toOptions(flags: StartFlags): EmulatorOptions {
  const options: EmulatorOptions = {};
  for (const key of Object.keys(flags) as Array<keyof StartFlags>) {
    if (flags[key] !== undefined) (options as Record<string, unknown>)[key] = flags[key];
  }
  return options;
}

const storeFlags = (command: Command): Command =>
  command
    .option('--in-memory', 'keep the store in memory (nothing survives the process)')
    .option('--data-dir <dir>', 'where the SQLite store and TLS material live', process.env['GRAPH_EMULATOR_DATA_DIR'])
    .option('--database-url <url>', 'use PostgreSQL, e.g. postgres://127.0.0.1:5432/graph', process.env['GRAPH_EMULATOR_DATABASE_URL'])
    .option('--database-schema <name>', 'PostgreSQL schema to keep the tables in');

const program = new Command()
  .name('graph-comms-emulator')
  .description('A stateful, self-hosted emulator of the Microsoft Graph cloud-communications API for Teams meeting artifacts.');

storeFlags(
  program
    .command('start')
    .description('serve the emulator (HTTPS on localhost) with a demo tenant')
    .option('-p, --port <port>', `port to listen on (default ${DEFAULT_HTTPS_PORT}, or ${DEFAULT_HTTP_PORT} with --http)`, parsePort)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--http', 'serve plain HTTP instead of HTTPS')
    .option('--tls-dir <dir>', 'where the local CA and server certificate live')
    .option('--public-url <url>', 'base URL for absolute links, when behind a proxy')
    .option('--strict', "enforce Graph's rules that a local emulator relaxes")
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'warn')
    .option('--no-demo', 'do not create the demo tenant on an empty store'),
).action(async (flags: StartFlags) => {
  const started = performance.now();
  const options = toOptions(flags);
  const emulator = await startEmulator(options, { port: flags.http === true ? DEFAULT_HTTP_PORT : DEFAULT_HTTPS_PORT, inMemory: false });
  const store = emulator.config.store.kind === 'sqlite' ? (emulator.config.store.filename === ':memory:' ? 'in-memory' : emulator.config.store.filename) : 'postgresql';
  const ca = emulator.caCertificatePath !== undefined ? ` CA: ${emulator.caCertificatePath}` : '';
  console.log(`graph-comms-emulator ready on ${emulator.url} (store: ${store};${ca}; demo: ${emulator.url}/_emulator/demo) in ${Math.round(performance.now() - started)} ms`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

storeFlags(program.command('reset').description('empty the store; the next start recreates the demo tenant')).action(async (flags: StartFlags) => {
  const config = resolveConfig(toOptions(flags), { port: DEFAULT_HTTPS_PORT, inMemory: false });
  const store = await openStore(config.store);
  try {
    await emptyStore(store.db);
  } finally {
    await store.close();
  }
  console.log('store emptied');
});

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`graph-comms-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
