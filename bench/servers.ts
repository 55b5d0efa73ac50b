import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnNodeUntilReady, type ReadyProcess } from './processes.js';

export interface Paths {
  /** The repository root (cwd of every spawned process). */
  repoRoot: string;
  dataDir: string;
  tlsDir: string;
}

export interface RunningServer extends ReadyProcess {
  readonly port: number;
  /** The emulator's own "in N ms" figure (in-process, after module loading), when it prints one. */
  readonly selfReportedMs: number | undefined;
}

const EMULATOR_READY = /graph-comms-emulator ready on https?:\/\/\S+?:(\d+)\b/;
const BARE_READY = /bare-server ready on https:\/\/\S+?:(\d+)\b/;

/** The package's bin (`npm start`): the bundled CLI that `npm run build` makes. */
export const emulatorScript = (paths: Paths): string => join(paths.repoRoot, 'dist', 'cli.mjs');
export const bareScript = (paths: Paths): string => join(paths.repoRoot, 'dist', 'bench', 'bareServer.js');
export const loadGeneratorScript = (paths: Paths): string => join(paths.repoRoot, 'dist', 'bench', 'loadGenerator.js');

/**
 * The node flags `npm start` passes (package.json scripts.start), so the bench starts the emulator
 * exactly as users do; then any in GCE_BENCH_EMULATOR_FLAGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the emulator processes a part starts (Node refuses
 * --cpu-prof in NODE_OPTIONS).
 */
export function emulatorNodeFlags(paths: Paths): string[] {
  const pkg = JSON.parse(readFileSync(join(paths.repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const match = /^node((?:\s+--\S+)*)\s+dist\/cli\.mjs\s+start\b/.exec(pkg.scripts?.['start'] ?? '');
  if (match === null) throw new Error('package.json scripts.start is not "node [--flags] dist/cli.mjs start": update bench/servers.ts');
  const extra = process.env['GCE_BENCH_EMULATOR_FLAGS'] ?? '';
  return `${match[1] ?? ''} ${extra}`.split(/\s+/).filter((flag) => flag !== '');
}

/**
 * `--log-level warn`: the bench compares serving with bare servers that log nothing; the request log
 * (on at the CLI's default level) would add a line per request on both the server's and the bench's CPU.
 */
export const emulatorArgs = (paths: Paths): string[] => ['start', '--port', '0', '--data-dir', paths.dataDir, '--tls-dir', paths.tlsDir, '--log-level', 'warn'];
export const bareArgs = (paths: Paths, responseFile?: string, serialize = false): string[] => [
  '--tls-dir',
  paths.tlsDir,
  '--port',
  '0',
  ...(responseFile !== undefined ? ['--response', responseFile] : []),
  ...(serialize ? ['--serialize'] : []),
];

function withPort(ready: ReadyProcess, pattern: RegExp): RunningServer {
  const port = Number(pattern.exec(ready.readyLine)?.[1]);
  const self = / in (\d+) ms\s*$/.exec(ready.readyLine)?.[1];
  return { ...ready, port, selfReportedMs: self !== undefined ? Number(self) : undefined };
}

/** `node <npm start's flags> dist/cli.mjs start --port 0 --data-dir <dataDir> --tls-dir <tlsDir>` until its ready line. */
export async function startEmulatorProcess(paths: Paths, timeoutMs = 30_000, extraArgs: readonly string[] = []): Promise<RunningServer> {
  return withPort(await spawnNodeUntilReady(emulatorScript(paths), [...emulatorArgs(paths), ...extraArgs], EMULATOR_READY, timeoutMs, paths.repoRoot, emulatorNodeFlags(paths)), EMULATOR_READY);
}

/** `node dist/bench/bareServer.js --tls-dir <tlsDir> --port 0 [--response FILE]` until its ready line. */
export async function startBareProcess(paths: Paths, responseFile?: string, timeoutMs = 15_000, serialize = false): Promise<RunningServer> {
  return withPort(await spawnNodeUntilReady(bareScript(paths), bareArgs(paths, responseFile, serialize), BARE_READY, timeoutMs, paths.repoRoot), BARE_READY);
}
