import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { alternateRounds } from './interleave.js';
import { spawnNodeUntilReady, stopProcess } from './processes.js';
import { emulatorNodeFlags, emulatorScript, type Paths } from './servers.js';
import { max, median, min } from './stats.js';

/**
 * `--only install` (not in the default set: it takes minutes): `npm ci` wall time of a fresh copy of
 * the repository on the bench's Node and on Node 24 (pinned in .ci/node24), and the emulator's
 * start-up time on both. On Node 24 the store runs on node:sqlite, so better-sqlite3's build (the
 * only install script) is not needed: `npm ci --ignore-scripts` shows an install without it.
 */
export interface InstallRun {
  command: string;
  node: string;
  wallMs: number;
  /** Whether better-sqlite3's native module was built (compiled here: its prebuilt download is unreachable offline). */
  nativeBuilt: boolean;
}

export interface LineStartup {
  node: string;
  sqlite: string;
  coldMs: number;
  warmMs: number[];
}

export interface InstallResult {
  installs: InstallRun[];
  startups: LineStartup[];
}

const READY = /graph-comms-emulator ready on/;

/** The repository's files (tracked, plus new ones not ignored) copied into an empty directory. */
function copyRepository(repoRoot: string, into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    if (file === '' || !existsSync(join(repoRoot, file))) continue; // deleted but still tracked
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(into, file));
  }
}

/** Runs npm with `node` first on PATH (npm and every script it runs use that Node); resolves to the wall time. */
function npm(node: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let tail = '';
    const child = spawn('npm', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env['PATH'] ?? ''}` } });
    const keep = (chunk: Buffer): void => void (tail = (tail + chunk.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`npm ${args.join(' ')} failed (code ${String(code)}, signal ${String(signal)}) in ${cwd}\n${tail}`));
    });
  });
}

const versionOf = (node: string): string => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

/** Node 24 from .ci/node24, installed there first (untimed) if it is not yet. */
async function node24(repoRoot: string, log: (line: string) => void): Promise<string> {
  const binary = join(repoRoot, '.ci', 'node24', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    log('  installing Node 24 into .ci/node24 (npm ci --prefix .ci/node24)');
    await npm(process.execPath, ['ci', '--prefix', join(repoRoot, '.ci', 'node24')], repoRoot, 600_000);
  }
  return binary;
}

export async function measureInstall(paths: Paths, workDir: string, starts: number, log: (line: string) => void): Promise<InstallResult> {
  const lines = [process.execPath, await node24(paths.repoRoot, log)];
  const variants: { node: string; args: string[] }[] = [
    { node: lines[0]!, args: ['ci'] },
    { node: lines[1]!, args: ['ci'] },
    { node: lines[1]!, args: ['ci', '--ignore-scripts'] },
  ];
  const installs: InstallRun[] = [];
  for (const { node, args } of variants) {
    const copy = mkdtempSync(join(tmpdir(), 'gce-bench-install-'));
    try {
      copyRepository(paths.repoRoot, copy);
      log(`  npm ${args.join(' ')} on ${versionOf(node)} in a fresh copy ...`);
      const wallMs = await npm(node, args, copy, 900_000);
      const nativeBuilt = existsSync(join(copy, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
      installs.push({ command: `npm ${args.join(' ')}`, node: versionOf(node), wallMs, nativeBuilt });
      log(`    ${(wallMs / 1000).toFixed(1)} s${nativeBuilt ? ', better-sqlite3 compiled' : ''}`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }

  // Start-up of the repository's own build on each line: node:sqlite on Node 24, better-sqlite3 on 20.
  const startups: LineStartup[] = lines.map((node) => ({ node: versionOf(node), sqlite: '', coldMs: Number.NaN, warmMs: [] }));
  const startOnce = async (index: number, into: 'cold' | 'warm'): Promise<void> => {
    const dataDir = join(workDir, `install-line-${index}`);
    const args = ['start', '--port', '0', '--data-dir', dataDir, '--tls-dir', paths.tlsDir];
    const run = await spawnNodeUntilReady(emulatorScript(paths), args, READY, 60_000, paths.repoRoot, emulatorNodeFlags(paths), lines[index]);
    await stopProcess(run.child);
    const line = startups[index]!;
    if (into === 'cold') line.coldMs = run.readyMs;
    else line.warmMs.push(run.readyMs);
  };
  for (let i = 0; i < lines.length; i++) {
    await startOnce(i, 'cold');
    startups[i]!.sqlite = hasNodeSqlite(startups[i]!.node) ? 'node:sqlite' : 'better-sqlite3';
  }
  await alternateRounds(
    starts,
    100,
    () => startOnce(0, 'warm'),
    () => startOnce(1, 'warm'),
    (round) => log(`  start ${round + 1}/${starts}: ${startups.map((s) => `${s.node} ${s.warmMs.at(-1)?.toFixed(0)} ms`).join(', ')}`),
  );
  return { installs, startups };
}

/** The rule src/store/sqliteBinding.ts follows: node:sqlite with StatementSync#columns (22.16+). */
function hasNodeSqlite(version: string): boolean {
  const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 16);
}

export function renderInstall(result: InstallResult, starts: number): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return [
    '### Install and start-up by Node line',
    '',
    "A fresh copy of the repository (its git files) per install, npm cache warm; `npm ci` includes the `prepare` build (tsc and bundle), `--ignore-scripts` skips it and better-sqlite3's build.",
    '',
    '| install | Node | wall time | better-sqlite3 compiled |',
    '|---|---|---:|---|',
    ...result.installs.map((r) => `| \`${r.command}\` | ${r.node} | ${s(r.wallMs)} | ${r.nativeBuilt ? 'yes' : 'no'} |`),
    '',
    `Start-up, spawn to ready line (\`dist/cli.mjs start\` on a SQLite file store): 1 cold start, then ${starts} warm starts of each, interleaved.`,
    '',
    '| Node | SQLite | cold | warm median | warm min–max |',
    '|---|---|---:|---:|---:|',
    ...result.startups.map((l) => `| ${l.node} | ${l.sqlite} | ${l.coldMs.toFixed(0)} ms | ${median(l.warmMs).toFixed(0)} ms | ${min(l.warmMs).toFixed(0)}–${max(l.warmMs).toFixed(0)} ms |`),
  ].join('\n');
}
