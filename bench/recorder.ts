import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { alternateRounds } from './interleave.js';
import { procCpuMs, runNode, stopProcess } from './processes.js';
import { httpsRequest } from './httpsRequest.js';
import { loadGeneratorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';
import { prepare, type ThroughputOptions } from './throughput.js';

/**
 * The request recorder's cost (issue 14, "Cheap": ≤ 5% of Graph GET throughput): the same
 * authenticated onlineMeeting GET against ONE emulator process as users start it (the default history
 * of 500), with recording on and paused (PUT /_emulator/requests/recording) in interleaved rounds, the
 * same load generator. One process, so both sides share its JIT state, heap and place on the machine;
 * paused still runs the recorder's onSend hook up to its first check (a history of 0 would not add the
 * hook at all), which this figure therefore leaves out. The permission ledger has no switch: it is in
 * both and not measured apart.
 */
export const RECORDER_GOAL = 0.05;

export interface RecorderResult {
  path: string;
  on: LoadResult[];
  off: LoadResult[];
  command: string;
}

async function load(paths: Paths, config: LoadConfig, serverPid: number): Promise<LoadResult> {
  const cpuBefore = await procCpuMs(serverPid);
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + 20_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  const cpuAfter = await procCpuMs(serverPid);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult;
  if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
  return result;
}

/** Turn recording on or off through the control API, and check it took. */
async function setRecording(server: RunningServer, ca: string, recording: boolean): Promise<void> {
  const res = await httpsRequest(server.port, '/_emulator/requests/recording', ca, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recording }),
  });
  const answer = res.status === 200 ? (JSON.parse(res.body.toString('utf8')) as { recording?: unknown }) : undefined;
  if (answer?.recording !== recording) throw new Error(`PUT /_emulator/requests/recording ${String(recording)}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
}

export async function measureRecorder(base: Paths, workDir: string, options: ThroughputOptions, log: (line: string) => void): Promise<RecorderResult> {
  let server: RunningServer | undefined;
  try {
    server = await startEmulatorProcess({ ...base, dataDir: join(workDir, 'recorder') });
    const caFile = join(base.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const target = await prepare(server, ca);
    const config: LoadConfig = {
      caFile,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      port: server.port,
      path: target.path,
      authorization: target.authorization,
    };
    const onRuns: LoadResult[] = [];
    const offRuns: LoadResult[] = [];
    const running = server;
    await alternateRounds(
      options.rounds,
      250,
      async () => {
        await setRecording(running, ca, true);
        onRuns.push(await load(base, config, running.pid));
      },
      async () => {
        await setRecording(running, ca, false);
        offRuns.push(await load(base, config, running.pid));
      },
      (round) => log(`  recorder round ${round + 1}/${options.rounds}: on ${onRuns.at(-1)?.requestsPerSecond.toFixed(0)} req/s, paused ${offRuns.at(-1)?.requestsPerSecond.toFixed(0)} req/s`),
    );
    return {
      path: target.path.replace(/onlineMeetings\/.*/, 'onlineMeetings/{meetingId}'),
      on: onRuns,
      off: offRuns,
      command:
        'node --max-semi-space-size=4 dist/cli.mjs start --port 0 --data-dir <tmp> --tls-dir <tmp>/tls --log-level warn; between rounds PUT /_emulator/requests/recording {"recording": true|false}',
    };
  } finally {
    if (server !== undefined) await stopProcess(server.child);
  }
}

const clean = (results: readonly LoadResult[]): boolean => results.every((r) => r.errors === 0 && Object.keys(r.statuses).every((s) => s === '200'));

/** Server CPU µs per response over the whole run (warm-up included), median of rounds. */
function cpuPerRequest(runs: readonly LoadResult[]): number | undefined {
  const values = runs.flatMap((r) => (r.serverCpuMs !== undefined && r.total > 0 ? [(r.serverCpuMs * 1000) / r.total] : []));
  return values.length === 0 ? undefined : median(values);
}

export function renderRecorder(r: RecorderResult, options: ThroughputOptions): string {
  const on = median(r.on.map((x) => x.requestsPerSecond));
  const off = median(r.off.map((x) => x.requestsPerSecond));
  const cost = 1 - on / off;
  const cpuOn = cpuPerRequest(r.on);
  const cpuOff = cpuPerRequest(r.off);
  const cpuCost = cpuOn !== undefined && cpuOff !== undefined ? cpuOn / cpuOff - 1 : undefined;
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const ok = clean(r.on) && clean(r.off);
  return [
    `### Request recorder: Graph GET on one emulator with the recorder on (default history) and paused (\`PUT /_emulator/requests/recording\`), median of ${r.on.length} rounds each, interleaved`,
    '',
    `\`GET ${r.path}\` with a client-credentials token; ${options.rounds} round(s) of ${options.durationMs / 1000} s at concurrency ${options.concurrency}. Paused still runs the recorder's hook up to its first check. The permission ledger has no switch: it runs in both.`,
    '',
    '| figure | recorder on | recorder paused (baseline) | on ÷ off | cost | goal | met |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    `| responses/s | ${on.toFixed(0)} | ${off.toFixed(0)} | ${pct(on / off)} | ${pct(cost)} | ≤ ${pct(RECORDER_GOAL)} | ${ok ? (cost <= RECORDER_GOAL ? 'met' : '**not met**') : '**invalid: non-200 or errors**'} |`,
    `| server CPU µs per response (less load-dependent) | ${cpuOn?.toFixed(0) ?? 'n/a'} | ${cpuOff?.toFixed(0) ?? 'n/a'} | ${cpuOn !== undefined && cpuOff !== undefined ? pct(cpuOn / cpuOff) : 'n/a'} | ${cpuCost !== undefined ? pct(cpuCost) : 'n/a'} | — (reported only) | — |`,
    `| rounds (req/s) | ${r.on.map((x) => x.requestsPerSecond.toFixed(0)).join(', ')} | ${r.off.map((x) => x.requestsPerSecond.toFixed(0)).join(', ')} | | | | |`,
    '',
    `Command: \`${r.command}\`.`,
  ].join('\n');
}
