/**
 * `npm run bench`: start-up time, throughput and idle memory of the emulator, each against a bare
 * Node HTTPS server measured in the same run (interleaved), printed as a markdown table.
 *
 *   node dist/bench/run.js [--quick] [--json] [--only startup,throughput,delta,content,callRecord,notifications,notificationCrash,proxy,load,speech,recorder,install] [--starts N] [--rounds N] [--duration S] [--warmup S] [--concurrency N]
 *                          [--delta-recordings N] [--large-rows N] [--large-seed-seconds S] [--content-mib N] [--speech-minutes N]
 *
 * Progress goes to stderr, the tables to stdout (with --json, one JSON document instead: bench/json.ts). Every spawned process is stopped at the end, on
 * error and on Ctrl-C; all traffic goes to 127.0.0.1.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs as parseCommandLine } from 'node:util';
import { killAllNow } from './processes.js';
import { renderReport } from './report.js';
import { bareArgs, bareScript, emulatorArgs, emulatorNodeFlags, emulatorScript, loadGeneratorScript, type Paths } from './servers.js';
import { measureStartup } from './startup.js';
import { measureThroughput, type ThroughputOptions } from './throughput.js';
import { measureDelta, renderDelta, type DeltaOptions } from './delta.js';
import { measureContent, renderContent, type ContentOptions } from './content.js';
import { measureCallRecordThroughput, renderCallRecordReport } from './callRecord.js';
import { measureNotifications, renderNotificationsReport } from './notifications.js';
import { measureNotificationCrash, renderNotificationCrash } from './notificationCrash.js';
import { measureInstall, renderInstall } from './install.js';
import { measureProxy, renderProxyReport } from './proxy.js';
import { measureMixedLoad, renderMixedLoad, type MixedLoadOptions } from './mixedLoad.js';
import { measureSpeech, renderSpeech } from './speech.js';
import { measureRecorder, renderRecorder } from './recorder.js';
import { Sections, tablesOf, type JsonPart, type JsonReport } from './json.js';

const USAGE = `usage: node dist/bench/run.js [--quick] [--json] [--only LIST] [--starts N] [--rounds N] [--duration S] [--warmup S] [--concurrency N]
                                [--delta-recordings N] [--large-rows N] [--large-seed-seconds S] [--content-mib N] [--notification-recordings N] [--load-seconds S] [--speech-minutes N]
  --only LIST      comma-separated parts to run: startup,throughput,delta,content,callRecord,notifications,notificationCrash,proxy,load,speech,recorder (default: all),
                   install (only when named: npm ci of fresh copies on this Node and on Node 24, start-up on both; minutes)
  --delta-recordings N  recordings in the delta full-sync store (default 100000; --quick 10000)
  --large-rows N   target rows of the large store for the page-time comparison (default 1000000, at most 120 s of seeding)
  --large-seed-seconds S  seeding budget of the large store (default 120; --quick 30): a loaded machine needs more for 1000000 rows
  --content-mib N  size of the downloaded recording in MiB (default 1024; --quick 64)
  --notification-recordings N  recordings created against 10 subscriptions (default 10000; --quick 1000); half as many in the kill -9 run
  --load-seconds S  seconds of the 200-connection mixed GET/subscription POST run, each server (default 60; --quick 10)
  --speech-minutes N  length of the spoken recording generated (default 30; --quick 5)
  --json           print one JSON document (every part's tables as rows, load averages, the command) instead of markdown
  --quick          3 warm starts, 1 throughput round of 2 s (about 20 s in all)
  --starts N       warm starts of each server (default 7, 1..25)
  --rounds N       throughput rounds of each server (default 3, 1..7)
  --duration S     measured seconds per round (default 5, 1..30)
  --warmup S       warm-up seconds per round (default 1, 0..10)
  --concurrency N  requests in flight (default 32, 1..256)
  -h, --help       this text`;

const PARTS = ['startup', 'throughput', 'delta', 'content', 'callRecord', 'notifications', 'notificationCrash', 'proxy', 'load', 'speech', 'recorder', 'install'] as const;
type Part = (typeof PARTS)[number];
/** What runs without --only: install takes minutes and installs Node 24, so it is asked for by name. */
const DEFAULT_PARTS: readonly Part[] = PARTS.filter((part) => part !== 'install');

interface Settings {
  starts: number;
  throughput: ThroughputOptions;
  only: ReadonlySet<Part>;
  delta: DeltaOptions;
  content: ContentOptions;
  /** Recordings created for the change-notification run. */
  notificationRecordings: number;
  load: MixedLoadOptions;
  /** Length of the spoken recording generated. */
  speechMinutes: number;
  /** Print JSON instead of markdown. */
  json: boolean;
}

/** The command line, read by node:util's parseArgs (strict: an unknown or malformed flag is an error). */
function parseArgs(argv: readonly string[]): Settings {
  const numeric = [
    'starts',
    'rounds',
    'duration',
    'warmup',
    'concurrency',
    'delta-recordings',
    'large-rows',
    'large-seed-seconds',
    'content-mib',
    'notification-recordings',
    'load-seconds',
    'speech-minutes',
  ] as const;
  let values: { quick?: boolean; json?: boolean; help?: boolean; only?: string } & Partial<Record<(typeof numeric)[number], string>>;
  try {
    ({ values } = parseCommandLine({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        only: { type: 'string' },
        ...Object.fromEntries(numeric.map((name) => [name, { type: 'string' as const }])),
      },
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const all = new Set<Part>(DEFAULT_PARTS);
  const settings: Settings = quick
    ? {
        starts: 3,
        throughput: { rounds: 1, concurrency: 32, warmupMs: 500, durationMs: 2_000, settleMs: 500 },
        only: all,
        delta: { recordings: 10_000, pageSize: 1_000, rounds: 1, smallStore: 2_000, largeStore: 50_000, largeSeedBudgetMs: 30_000, pageSamples: 50 },
        content: { bytes: 64 * 1024 * 1024, rounds: 1 },
        notificationRecordings: 1_000,
        load: { connections: 200, warmupMs: 1_000, durationMs: 10_000, postEvery: 8 },
        speechMinutes: 5,
        json: false,
      }
    : {
        starts: 7,
        throughput: { rounds: 3, concurrency: 32, warmupMs: 1_000, durationMs: 5_000, settleMs: 1_000 },
        only: all,
        delta: { recordings: 100_000, pageSize: 1_000, rounds: 3, smallStore: 10_000, largeStore: 1_000_000, largeSeedBudgetMs: 120_000, pageSamples: 200 },
        content: { bytes: 1024 * 1024 * 1024, rounds: 3 },
        notificationRecordings: 10_000,
        load: { connections: 200, warmupMs: 2_000, durationMs: 60_000, postEvery: 8 },
        speechMinutes: 30,
        json: false,
      };
  const number = (name: (typeof numeric)[number], lo: number, hi: number): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < lo || value > hi) throw new Error(`--${name} takes a number from ${lo} to ${hi}\n${USAGE}`);
    return value;
  };
  settings.starts = Math.round(number('starts', 1, 25) ?? settings.starts);
  const t = settings.throughput;
  t.rounds = Math.round(number('rounds', 1, 7) ?? t.rounds);
  t.durationMs = Math.round((number('duration', 1, 30) ?? t.durationMs / 1000) * 1000);
  t.warmupMs = Math.round((number('warmup', 0, 10) ?? t.warmupMs / 1000) * 1000);
  t.concurrency = Math.round(number('concurrency', 1, 256) ?? t.concurrency);
  if (values.only !== undefined) {
    const names = values.only
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const bad = names.find((n) => !(PARTS as readonly string[]).includes(n));
    if (names.length === 0 || bad !== undefined) throw new Error(`--only takes a list of ${PARTS.join(', ')}\n${USAGE}`);
    settings.only = new Set(names as Part[]);
  }
  settings.delta.recordings = Math.round(number('delta-recordings', 1_000, 10_000_000) ?? settings.delta.recordings);
  settings.delta.largeStore = Math.round(number('large-rows', 1_000, 10_000_000) ?? settings.delta.largeStore);
  settings.delta.largeSeedBudgetMs = Math.round((number('large-seed-seconds', 1, 3_600) ?? settings.delta.largeSeedBudgetMs / 1000) * 1000);
  settings.content.bytes = Math.round((number('content-mib', 1, 65_536) ?? settings.content.bytes / 1024 / 1024) * 1024 * 1024);
  settings.notificationRecordings = Math.round(number('notification-recordings', 10, 100_000) ?? settings.notificationRecordings);
  settings.load.durationMs = Math.round((number('load-seconds', 1, 600) ?? settings.load.durationMs / 1000) * 1000);
  settings.speechMinutes = number('speech-minutes', 1, 240) ?? settings.speechMinutes;
  settings.json = values.json === true;
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
  for (const script of [emulatorScript(paths), bareScript(paths), loadGeneratorScript(paths), join(repoRoot, 'dist', 'bench', 'bareArtifactServer.js')]) {
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
  const shown = (file: string, args: readonly string[], flags: readonly string[] = []): string => ['node', ...flags, rel(file), ...args].join(' ').replaceAll(workDir, '<tmp>');
  const loadAverageAtStart = loadavg();
  try {
    log(`bench: work dir ${workDir}`);
    const sections = new Sections(loadavg);
    // A part that is wanted starts now: what it pushes to `sections` is its figures (for --json).
    const wants = (part: Part): boolean => {
      const yes = settings.only.has(part);
      if (yes) sections.begin(part);
      return yes;
    };
    if (wants('startup') !== wants('throughput')) throw new Error('startup and throughput are reported together: --only takes both or neither');
    let startup: Awaited<ReturnType<typeof measureStartup>> | undefined;
    let throughput: Awaited<ReturnType<typeof measureThroughput>> | undefined;
    let startupEnded = began;
    let startupLoad = loadAverageAtStart;
    // Start-up first: its cold start is the one that makes the TLS material.
    if (wants('startup')) {
      log(`bench: start-up (1 cold, ${settings.starts} warm starts of each, interleaved)`);
      startup = await measureStartup(paths, settings.starts, log);
      log(`bench: throughput (${settings.throughput.rounds} round(s) of each, interleaved) and memory`);
      throughput = await measureThroughput(paths, workDir, settings.throughput, log);
      startupEnded = performance.now();
      startupLoad = loadavg();
    }
    if (wants('delta')) {
      log(`bench: delta (${settings.delta.recordings} recordings, ${settings.delta.rounds} full-sync round(s) of each, interleaved; page time by store size)`);
      sections.push(renderDelta(await measureDelta(paths, workDir, settings.delta, log)));
    }
    if (wants('content')) {
      log(`bench: content download (${(settings.content.bytes / 1024 / 1024).toFixed(0)} MiB, ${settings.content.rounds} round(s) of each, interleaved)`);
      sections.push(renderContent(await measureContent(paths, workDir, settings.content, log)));
    }
    if (wants('callRecord')) {
      log(`bench: call-record GET (${settings.throughput.rounds} round(s) of each, interleaved)`);
      const callRecord = await measureCallRecordThroughput(paths, workDir, settings.throughput, log);
      sections.push(renderCallRecordReport(callRecord, settings.throughput, ['node', 'dist/bench/run.js', ...argv].join(' ')));
    }
    if (wants('notifications')) {
      log(`bench: change notifications (${settings.notificationRecordings} recordings, 10 subscriptions, half rich)`);
      const notifications = await measureNotifications({ recordings: settings.notificationRecordings, subscriptions: 10, pacedPerSecond: 500, pacedSeconds: 10, tlsDir: paths.tlsDir, log });
      sections.push(renderNotificationsReport(notifications));
    }
    if (wants('notificationCrash')) {
      // Half the flat-out run's recordings: three restarts and the lapse of the dead instances' claims take the rest of its time.
      const recordings = Math.max(10, Math.round(settings.notificationRecordings / 2));
      log(`bench: change notifications across kill -9 (${recordings} recordings, 10 subscriptions, 3 crashes)`);
      sections.push(renderNotificationCrash(await measureNotificationCrash(paths, { recordings, subscriptions: 10, crashes: 3 }, log)));
    }
    if (wants('proxy')) {
      log(`bench: drop-in proxy (${settings.throughput.rounds} round(s) through the proxy and direct, interleaved)`);
      sections.push(renderProxyReport(await measureProxy(paths, settings.throughput, log), settings.throughput));
    }
    if (wants('load')) {
      log(`bench: under load (${settings.load.connections} connections × ${settings.load.durationMs / 1000} s of mixed GETs and subscription POSTs, emulator then bare server)`);
      sections.push(renderMixedLoad(await measureMixedLoad(paths, workDir, settings.load, log)));
    }
    if (wants('speech')) {
      sections.push(renderSpeech(await measureSpeech({ minutes: settings.speechMinutes }, log)));
    }
    if (wants('recorder')) {
      log(`bench: request recorder (${settings.throughput.rounds} round(s) with it on and off, interleaved)`);
      sections.push(renderRecorder(await measureRecorder(paths, workDir, settings.throughput, log), settings.throughput));
    }
    if (wants('install')) {
      log(`bench: install (npm ci of fresh copies on ${process.version} and Node 24) and start-up on both (${settings.starts} warm starts of each)`);
      sections.push(renderInstall(await measureInstall(paths, workDir, settings.starts, log), settings.starts));
    }
    const runCommand = ['node', 'dist/bench/run.js', ...argv].join(' ');
    const printJson = (report: string | undefined): void => {
      const extra: JsonPart[] = [];
      if (report !== undefined) {
        // Start-up and throughput share one table: each part gets its rows.
        const [table] = tablesOf(report);
        for (const part of ['startup', 'throughput'] as const) {
          const isStartup = (row: Record<string, { text: string }>): boolean => (Object.values(row)[0]?.text ?? '').startsWith('Start-up');
          const tables = table === undefined ? [] : [{ ...table, rows: table.rows.filter((row) => isStartup(row) === (part === 'startup')) }];
          extra.push({ part, elapsedMs: Math.round(startupEnded - began), loadAverageAtStart: loadAverageAtStart, loadAverageAtEnd: startupLoad, tables, markdown: report });
        }
      }
      const doc: JsonReport = {
        command: runCommand,
        node: process.version,
        cpus: cpus().length,
        date: new Date().toISOString(),
        loadAverageAtStart,
        loadAverageAtEnd: loadavg(),
        elapsedMs: Math.round(performance.now() - began),
        parts: sections.toJson(extra),
      };
      console.log(JSON.stringify(doc, null, 2));
    };
    if (startup === undefined || throughput === undefined) {
      if (settings.json) {
        printJson(undefined);
        return;
      }
      const command = runCommand;
      const load = loadAverageAtStart.map((l) => l.toFixed(2)).join(' ');
      console.log(
        [
          `## graph-comms-emulator benchmarks`,
          '',
          `\`${command}\` (node ${process.version}, ${cpus().length} CPUs, load average ${load} at start, ${((performance.now() - began) / 1000).toFixed(0)} s in all)`,
          '',
          ...sections.all().flatMap((section) => [section, '']),
        ].join('\n'),
      );
      return;
    }
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
          emulator: shown(emulatorScript(paths), emulatorArgs(paths), emulatorNodeFlags(paths)),
          bare: shown(bareScript(paths), bareArgs(paths)),
          load: `GCE_BENCH_LOAD=<config> ${shown(loadGeneratorScript(paths), [])}`,
        },
      },
      startup,
      throughput,
    );
    if (settings.json) printJson(report);
    else console.log([report, ...sections.all()].join('\n\n'));
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
