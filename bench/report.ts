import type { LoadResult } from './loadGenerator.js';
import { MB, type MemorySnapshot } from './memory.js';
import { max, median, min } from './stats.js';
import type { StartupResult } from './startup.js';
import type { ThroughputOptions, ThroughputResult } from './throughput.js';

export interface RunInfo {
  command: string;
  node: string;
  platform: string;
  cpus: number;
  date: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  elapsedMs: number;
  starts: number;
  throughput: ThroughputOptions;
  commands: { emulator: string; bare: string; load: string };
}

type Row = [figure: string, emulator: string, baseline: string, ratio: string, goal: string, vsGoal: string, met: string];

const ms = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const mb = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v / MB).toFixed(1)} MB`);
const rps = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)} req/s` : 'n/a');
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : 'n/a');
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : '**not met**');
const list = (values: readonly number[]): string => (values.length === 0 ? 'n/a' : values.map((v) => v.toFixed(0)).join(', '));
/** A latency that may be missing (a round too short to complete a request measures none). */
const fixed1 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(1));
const loadAvg = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' / ');

function clean(results: readonly LoadResult[]): boolean {
  return results.every((r) => r.errors === 0 && Object.keys(r.statuses).every((s) => s === '200'));
}

function statusSummary(results: readonly LoadResult[]): string {
  const totals: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  for (const r of results) {
    for (const [status, count] of Object.entries(r.statuses)) totals[status] = (totals[status] ?? 0) + count;
    errors += r.errors;
    firstError ??= r.firstError;
  }
  const statuses = Object.entries(totals)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ');
  return `${statuses || 'none'}; transport errors ${errors}${firstError !== undefined ? ` (first: ${firstError})` : ''}`;
}

// Issue 16's goal is a ratio (≤ 3× a bare Node HTTPS server started the same way, same run): an absolute
// 300 ms, the first goal, met or failed with the machine's speed alone (bare starts took 74–147 ms).
const STARTUP_GOAL_RATIO = 3;
const THROUGHPUT_GOAL = 0.5;
const RSS_GOAL = 100 * MB;

export function renderReport(info: RunInfo, startup: StartupResult, tp: ThroughputResult): string {
  const rows: Row[] = [];

  const warmEmu = median(startup.emulatorMs);
  const warmBare = median(startup.bareMs);
  const warmRatio = warmEmu / warmBare;
  rows.push([
    `Start-up, warm: spawn → ready line (median of ${startup.emulatorMs.length})`,
    ms(warmEmu),
    ms(warmBare),
    times(warmRatio),
    `≤ ${times(STARTUP_GOAL_RATIO)} baseline`,
    times(warmRatio / STARTUP_GOAL_RATIO),
    verdict(warmRatio <= STARTUP_GOAL_RATIO),
  ]);
  rows.push(['Start-up, cold: first start, creates CA + store (1 run)', ms(startup.coldMs), `${ms(warmBare)} (warm median)`, times(startup.coldMs / warmBare), '— (reported only)', '—', '—']);

  const emuRps = median(tp.emulator.map((r) => r.requestsPerSecond));
  const bareRps = median(tp.bare.map((r) => r.requestsPerSecond));
  const share = emuRps / bareRps;
  const valid = clean(tp.emulator) && clean(tp.bare);
  rows.push([
    `Throughput, authenticated GET onlineMeeting (median of ${tp.emulator.length} rounds)`,
    rps(emuRps),
    rps(bareRps),
    pct(share),
    `≥ ${pct(THROUGHPUT_GOAL)} of baseline`,
    times(share / THROUGHPUT_GOAL),
    valid ? verdict(share >= THROUGHPUT_GOAL) : '**invalid: non-200 or errors**',
  ]);
  // With one load generator on a 2-core machine the client can be the bottleneck for both servers;
  // the server's own CPU time per request shows the cost the throughput ratio then hides.
  const cpuPerRequest = (runs: LoadResult[]): number | undefined => {
    const values = runs.flatMap((r) => (r.serverCpuMs !== undefined && r.total > 0 ? [(r.serverCpuMs * 1000) / r.total] : []));
    return values.length > 0 ? median(values) : undefined;
  };
  const emuCpu = cpuPerRequest(tp.emulator);
  const bareCpu = cpuPerRequest(tp.bare);
  rows.push([
    'Server CPU time per request, user + system (median of rounds)',
    emuCpu !== undefined ? `${emuCpu.toFixed(0)} µs` : 'n/a',
    bareCpu !== undefined ? `${bareCpu.toFixed(0)} µs` : 'n/a',
    emuCpu !== undefined && bareCpu !== undefined ? `${pct(bareCpu / emuCpu)} (baseline ÷ emulator)` : 'n/a',
    '— (reported only)',
    '—',
    '—',
  ]);
  for (const [label, key] of [
    ['p50', 'p50'],
    ['p99', 'p99'],
  ] as const) {
    const e = median(tp.emulator.map((r) => r.latencyMs[key]));
    const b = median(tp.bare.map((r) => r.latencyMs[key]));
    rows.push([`Latency ${label} at concurrency ${info.throughput.concurrency} (median of rounds)`, ms(e), ms(b), times(e / b), '— (reported only)', '—', '—']);
  }

  const memoryRow = (label: string, pick: (m: { afterStart: MemorySnapshot; afterLoad?: MemorySnapshot }) => number | undefined, goal: boolean): Row => {
    const e = pick(tp.emulatorMemory);
    const b = pick(tp.bareMemory);
    return [
      label,
      mb(e),
      mb(b),
      e !== undefined && b !== undefined ? times(e / b) : 'n/a',
      goal ? '< 100 MB' : '— (reported only)',
      goal && e !== undefined ? times(e / RSS_GOAL) : '—',
      goal ? verdict(e === undefined ? undefined : e < RSS_GOAL) : '—',
    ];
  };
  rows.push(memoryRow('Idle RSS after start (VmRSS)', (m) => m.afterStart.rss, true));
  rows.push(memoryRow('Idle RSS after the load (VmRSS)', (m) => m.afterLoad?.rss, true));
  rows.push(memoryRow('Peak RSS over the run (VmHWM)', (m) => m.afterLoad?.peak ?? m.afterStart.peak, false));

  const header: Row = ['Figure', 'Emulator', 'Baseline (bare Node HTTPS)', 'Emulator ÷ baseline', 'Goal', 'Emulator ÷ goal', 'Verdict'];
  const table = [header, ['---', '---:', '---:', '---:', '---', '---:', '---'] as Row, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

  const lr = (r: LoadResult): string => (Number.isFinite(r.requestsPerSecond) ? r.requestsPerSecond.toFixed(0) : 'n/a');
  const lines = [
    '## graph-comms-emulator benchmark',
    '',
    `- Command: \`${info.command}\``,
    `- Node: ${info.node} (${info.platform}, ${info.cpus} CPUs); load average (1/5/15 min) at start ${loadAvg(info.loadAverageAtStart)}, at end ${loadAvg(info.loadAverageAtEnd)}`,
    `- Date: ${info.date}; bench took ${(info.elapsedMs / 1000).toFixed(0)} s`,
    `- Emulator: \`${info.commands.emulator}\``,
    `- Baseline: \`${info.commands.bare}\` (same certificate and key; for throughput it replays the emulator's response: same status, headers and ${tp.responseBytes} body bytes)`,
    `- Load: \`${info.commands.load}\`: node:https, keep-alive Agent, concurrency ${info.throughput.concurrency}, ${info.throughput.warmupMs / 1000} s warm-up then ${info.throughput.durationMs / 1000} s measured, 127.0.0.1 only, trusting the emulator's CA; path \`GET ${tp.path.replace(/onlineMeetings\/.*/, 'onlineMeetings/{meetingId}')}\` with a client-credentials token`,
    '',
    table,
    '',
    '"Emulator ÷ goal": the figure divided by the goal\'s bound (for ≤ / < goals, ≤ 1 meets; for the ≥ goal, ≥ 1 meets). Emulator and baseline were measured alternately in the same run; figures are medians.',
    '',
    '<details><summary>Samples</summary>',
    '',
    `- Warm starts, emulator (ms): ${list(startup.emulatorMs)} (min ${ms(min(startup.emulatorMs))}, max ${ms(max(startup.emulatorMs))})`,
    `- Warm starts, bare server (ms): ${list(startup.bareMs)} (min ${ms(min(startup.bareMs))}, max ${ms(max(startup.bareMs))})`,
    `- Emulator's own "ready in N ms" (after its modules loaded), warm: ${list(startup.emulatorSelfReportedMs)}; cold: ${startup.coldSelfReportedMs ?? 'n/a'}`,
    `- Throughput per round, emulator (req/s): ${tp.emulator.map(lr).join(', ')}; bare: ${tp.bare.map(lr).join(', ')}`,
    `- Latency per round, emulator p50/p99/max (ms): ${tp.emulator.map((r) => `${fixed1(r.latencyMs.p50)}/${fixed1(r.latencyMs.p99)}/${fixed1(r.latencyMs.max)}`).join(', ')}`,
    `- Latency per round, bare p50/p99/max (ms): ${tp.bare.map((r) => `${fixed1(r.latencyMs.p50)}/${fixed1(r.latencyMs.p99)}/${fixed1(r.latencyMs.max)}`).join(', ')}`,
    `- Responses, emulator: ${statusSummary(tp.emulator)}; bare: ${statusSummary(tp.bare)}`,
    `- Memory, emulator: after start ${mb(tp.emulatorMemory.afterStart.rss)}, after load ${mb(tp.emulatorMemory.afterLoad?.rss)}, peak ${mb(tp.emulatorMemory.afterLoad?.peak)}; bare: after start ${mb(tp.bareMemory.afterStart.rss)}, after load ${mb(tp.bareMemory.afterLoad?.rss)}, peak ${mb(tp.bareMemory.afterLoad?.peak)}`,
    '',
    '</details>',
  ];
  return lines.join('\n');
}
