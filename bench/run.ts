/**
 * `npm run bench`: start-up time, throughput and idle memory of the emulator, each against a bare
 * Node HTTPS server measured in the same run (interleaved), printed as a markdown table.
 *
 *   node dist/bench/run.js [--quick] [--starts N] [--rounds N] [--duration S] [--warmup S] [--concurrency N]
 *
 * Progress goes to stderr, the table to stdout. Every spawned process is stopped at the end, on
 * error and on Ctrl-C; all traffic goes to 127.0.0.1.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllNow } from './processes.js';
import { renderReport } from './report.js';
import { bareArgs, bareScript, emulatorArgs, emulatorScript, loadGeneratorScript, type Paths } from './servers.js';
import { measureStartup } from './startup.js';
import { measureThroughput, type ThroughputOptions } from './throughput.js';
import { measureNotifications, renderNotificationsReport } from './notifications.js';

const USAGE = `usage: node dist/bench/run.js [--quick] [--starts N] [--rounds N] [--duration S] [--warmup S] [--concurrency N] [--recordings N] [--no-notifications]
  --quick          3 warm starts, 1 throughput round of 2 s (about 20 s in all)
  --starts N       warm starts of each server (default 7, 1..25)
  --rounds N       throughput rounds of each server (default 3, 1..7)
  --duration S     measured seconds per round (default 5, 1..30)
  --warmup S       warm-up seconds per round (default 1, 0..10)
  --concurrency N  requests in flight (default 32, 1..256)
  --recordings N   change-notification run: recordings created (default 10000, --quick 1000)
  --no-notifications  skip the change-notification run (run it alone: node dist/bench/notifications.js)`;

interface Settings {
  starts: number;
  throughput: ThroughputOptions;
  /** Recordings for the change-notification run; 0 skips it. */
  recordings: number;
}

function parseArgs(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick');
  const settings: Settings = quick
    ? { starts: 3, throughput: { rounds: 1, concurrency: 32, warmupMs: 500, durationMs: 2_000, settleMs: 500 }, recordings: 1_000 }
    : { starts: 7, throughput: { rounds: 3, concurrency: 32, warmupMs: 1_000, durationMs: 5_000, settleMs: 1_000 }, recordings: 10_000 };
  const number = (name: string, lo: number, hi: number): number | undefined => {
    const at = argv.indexOf(name);
    if (at < 0) return undefined;
    const value = Number(argv[at + 1]);
    if (!Number.isFinite(value) || value < lo || value > hi) throw new Error(`${name} takes a number from ${lo} to ${hi}\n${USAGE}`);
    return value;
  };
  const known = new Set(['--quick', '--starts', '--rounds', '--duration', '--warmup', '--concurrency', '--recordings', '--no-notifications']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!known.has(arg)) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    if (arg !== '--quick' && arg !== '--no-notifications') i++;
  }
  settings.starts = Math.round(number('--starts', 1, 25) ?? settings.starts);
  const t = settings.throughput;
  t.rounds = Math.round(number('--rounds', 1, 7) ?? t.rounds);
  t.durationMs = Math.round((number('--duration', 1, 30) ?? t.durationMs / 1000) * 1000);
  t.warmupMs = Math.round((number('--warmup', 0, 10) ?? t.warmupMs / 1000) * 1000);
  t.concurrency = Math.round(number('--concurrency', 1, 256) ?? t.concurrency);
  settings.recordings = argv.includes('--no-notifications') ? 0 : Math.round(number('--recordings', 10, 100_000) ?? settings.recordings);
  return settings;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const began = performance.now();
  const argv = process.argv.slice(2);
  const settings = parseArgs(argv);
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const workDir = await mkdtemp(join(tmpdir(), 'gce-bench-'));
  const paths: Paths = { repoRoot, dataDir: workDir, tlsDir: join(workDir, 'tls') };
  for (const script of [emulatorScript(paths), bareScript(paths), loadGeneratorScript(paths)]) {
    if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" (or "npm run bench") first`);
  }

  const cleanup = (): void => {
    killAllNow();
    rmSync(workDir, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`bench: ${signal}, stopping every spawned process`);
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.once('SIGHUP', interrupted);

  const rel = (file: string): string => relative(repoRoot, file);
  const shown = (file: string, args: readonly string[]): string => ['node', rel(file), ...args].join(' ').replaceAll(workDir, '<tmp>');
  const loadAverageAtStart = loadavg();
  try {
    log(`bench: work dir ${workDir}`);
    log(`bench: start-up (1 cold, ${settings.starts} warm starts of each, interleaved)`);
    const startup = await measureStartup(paths, settings.starts, log);
    log(`bench: throughput (${settings.throughput.rounds} round(s) of each, interleaved) and memory`);
    const throughput = await measureThroughput(paths, workDir, settings.throughput, log);
    const report = renderReport(
      {
        command: (process.env['npm_lifecycle_event'] === 'bench' ? 'npm run bench → ' : '') + ['node', 'dist/bench/run.js', ...argv].join(' '),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        date: new Date().toISOString(),
        loadAverageAtStart,
        loadAverageAtEnd: loadavg(),
        elapsedMs: performance.now() - began,
        starts: settings.starts,
        throughput: settings.throughput,
        commands: {
          emulator: shown(emulatorScript(paths), emulatorArgs(paths)),
          bare: shown(bareScript(paths), bareArgs(paths)),
          load: `GCE_BENCH_LOAD=<config> ${shown(loadGeneratorScript(paths), [])}`,
        },
      },
      startup,
      throughput,
    );
    console.log(report);
    if (settings.recordings > 0) {
      const notifications = await measureNotifications({ recordings: settings.recordings, subscriptions: 10, pacedPerSecond: 500, pacedSeconds: 10, tlsDir: paths.tlsDir, log });
      console.log(`\n${renderNotificationsReport(notifications)}`);
    }
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
