import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { alternateRounds } from './interleave.js';
import { procCpuMs, runNode, stopProcess } from './processes.js';
import { loadGeneratorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';
import { prepare, type ThroughputOptions } from './throughput.js';

/**
 * The request recorder's cost (issue 14, "Cheap": ≤ 5% of Graph GET throughput): the same
 * authenticated onlineMeeting GET against two emulator processes, one as users start it (recorder on,
 * the default history of 500) and one with `--request-history 0` (off), the same load generator,
 * rounds interleaved. The permission ledger (src/domain/permissionLedger.ts) has no switch, so it is
 * in both and not measured apart.
 */
export const RECORDER_GOAL = 0.05;

export interface RecorderResult {
  path: string;
  on: LoadResult[];
  off: LoadResult[];
  commands: { on: string; off: string };
}

async function load(paths: Paths, config: LoadConfig, serverPid: number): Promise<LoadResult> {
  const cpuBefore = await procCpuMs(serverPid);
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + 20_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  const cpuAfter = await procCpuMs(serverPid);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult;
  if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
  return result;
}

export async function measureRecorder(base: Paths, workDir: string, options: ThroughputOptions, log: (line: string) => void): Promise<RecorderResult> {
  let on: RunningServer | undefined;
  let off: RunningServer | undefined;
  try {
    // One after the other: the first start may create the shared TLS material.
    on = await startEmulatorProcess({ ...base, dataDir: join(workDir, 'recorder-on') });
    off = await startEmulatorProcess({ ...base, dataDir: join(workDir, 'recorder-off') }, 30_000, ['--request-history', '0']);
    const caFile = join(base.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const [onTarget, offTarget] = await Promise.all([prepare(on, ca), prepare(off, ca)]);
    const common = { caFile, concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs };
    const onRuns: LoadResult[] = [];
    const offRuns: LoadResult[] = [];
    const onServer = on;
    const offServer = off;
    await alternateRounds(
      options.rounds,
      250,
      async () => void onRuns.push(await load(base, { ...common, port: onServer.port, path: onTarget.path, authorization: onTarget.authorization }, onServer.pid)),
      async () => void offRuns.push(await load(base, { ...common, port: offServer.port, path: offTarget.path, authorization: offTarget.authorization }, offServer.pid)),
      (round) => log(`  recorder round ${round + 1}/${options.rounds}: on ${onRuns.at(-1)?.requestsPerSecond.toFixed(0)} req/s, off ${offRuns.at(-1)?.requestsPerSecond.toFixed(0)} req/s`),
    );
    return {
      path: onTarget.path.replace(/onlineMeetings\/.*/, 'onlineMeetings/{meetingId}'),
      on: onRuns,
      off: offRuns,
      commands: {
        on: 'node --max-semi-space-size=4 dist/cli.mjs start --port 0 --data-dir <tmp> --tls-dir <tmp>/tls --log-level warn',
        off: 'node --max-semi-space-size=4 dist/cli.mjs start --port 0 --data-dir <tmp> --tls-dir <tmp>/tls --log-level warn --request-history 0',
      },
    };
  } finally {
    await Promise.all([on ? stopProcess(on.child) : undefined, off ? stopProcess(off.child) : undefined]);
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
    `### Request recorder: Graph GET with the recorder on (default) and off (\`--request-history 0\`), median of ${r.on.length} rounds each, interleaved`,
    '',
    `\`GET ${r.path}\` with a client-credentials token; ${options.rounds} round(s) of ${options.durationMs / 1000} s at concurrency ${options.concurrency}. The permission ledger has no switch: it runs in both.`,
    '',
    '| figure | recorder on | recorder off (baseline) | on ÷ off | cost | goal | met |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    `| responses/s | ${on.toFixed(0)} | ${off.toFixed(0)} | ${pct(on / off)} | ${pct(cost)} | ≤ ${pct(RECORDER_GOAL)} | ${ok ? (cost <= RECORDER_GOAL ? 'met' : '**not met**') : '**invalid: non-200 or errors**'} |`,
    `| server CPU µs per response (less load-dependent) | ${cpuOn?.toFixed(0) ?? 'n/a'} | ${cpuOff?.toFixed(0) ?? 'n/a'} | ${cpuOn !== undefined && cpuOff !== undefined ? pct(cpuOn / cpuOff) : 'n/a'} | ${cpuCost !== undefined ? pct(cpuCost) : 'n/a'} | — (reported only) | — |`,
    `| rounds (req/s) | ${r.on.map((x) => x.requestsPerSecond.toFixed(0)).join(', ')} | ${r.off.map((x) => x.requestsPerSecond.toFixed(0)).join(', ')} | | | | |`,
    '',
    `Commands: \`${r.commands.on}\`; \`${r.commands.off}\`.`,
  ].join('\n');
}
