import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CannedResponse } from './bareServer.js';
import { httpsRequest } from './httpsRequest.js';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { alternateRounds } from './interleave.js';
import { procCpuMs, runNode, stopProcess } from './processes.js';
import { loadGeneratorScript, startBareProcess, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';
import type { ThroughputOptions } from './throughput.js';

/**
 * The call-record bench (issue 4): GET of a 150-session, 300-participant call record with
 * `$expand=sessions($expand=segments)` (a first page of 60 sessions with their segments, about
 * 0.5 MB), against a bare Node HTTPS server that holds the same response object and
 * JSON.stringify-s it for every request. Same load generator, rounds interleaved.
 */
export const CALL_RECORD_SESSIONS = 150;
export const CALL_RECORD_PARTICIPANTS = 300;
export const CALL_RECORD_GOAL = 0.5;

export interface CallRecordBenchResult {
  path: string;
  responseBytes: number;
  emulator: LoadResult[];
  bare: LoadResult[];
}

const NOT_COPIED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

async function json<T>(res: { status: number; body: Buffer }, what: string): Promise<T> {
  if (res.status !== 200 && res.status !== 201) throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

async function post<T>(port: number, ca: string, path: string, body: unknown, what: string): Promise<T> {
  return json<T>(await httpsRequest(port, path, ca, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 60_000), what);
}

/** A 150-session record made through the control API, an app token, and the emulator's exact answer. */
async function prepare(emu: RunningServer, ca: string): Promise<{ path: string; authorization: string; canned: CannedResponse }> {
  const demo = await json<{ tenantId: string; clientId: string; clientSecret: string; meetingId: string }>(await httpsRequest(emu.port, '/_emulator/demo', ca), 'GET /_emulator/demo');
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: demo.clientId, client_secret: demo.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
  const token = await json<{ access_token: string }>(
    await httpsRequest(emu.port, `/${encodeURIComponent(demo.tenantId)}/oauth2/v2.0/token`, ca, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }),
    'POST token',
  );
  const call = await post<{ id: string }>(emu.port, ca, `/_emulator/tenants/${demo.tenantId}/calls`, { meetingId: demo.meetingId }, 'POST calls');
  const record = await post<{ id: string }>(
    emu.port,
    ca,
    `/_emulator/calls/${call.id}/callRecord`,
    { participantCount: CALL_RECORD_PARTICIPANTS, sessionCount: CALL_RECORD_SESSIONS, modalities: ['audio', 'video', 'screenSharing'] },
    'POST callRecord',
  );
  const path = `/v1.0/communications/callRecords/${record.id}?$expand=sessions($expand=segments)`;
  const authorization = `Bearer ${token.access_token}`;
  const sample = await httpsRequest(emu.port, path, ca, { headers: { authorization, accept: 'application/json' } });
  if (sample.status !== 200) throw new Error(`GET ${path}: HTTP ${sample.status} ${sample.body.toString('utf8').slice(0, 500)}`);
  const sessions = (JSON.parse(sample.body.toString('utf8')) as { sessions?: unknown[] }).sessions?.length;
  if (sessions !== 60) throw new Error(`expected a first page of 60 sessions, got ${String(sessions)}`);
  return {
    path,
    authorization,
    canned: { status: 200, headers: sample.headers.filter(([name]) => !NOT_COPIED.has(name.toLowerCase())), bodyBase64: sample.body.toString('base64') },
  };
}

/** One load run against the server process `serverPid`, with the CPU time that process spent on it. */
async function load(paths: Paths, config: LoadConfig, serverPid: number): Promise<LoadResult> {
  const cpuBefore = await procCpuMs(serverPid);
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + 20_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  const cpuAfter = await procCpuMs(serverPid);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult;
  if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
  return result;
}

export async function measureCallRecordThroughput(paths: Paths, workDir: string, options: ThroughputOptions, log: (line: string) => void): Promise<CallRecordBenchResult> {
  let emu: RunningServer | undefined;
  let bare: RunningServer | undefined;
  try {
    emu = await startEmulatorProcess(paths);
    const caFile = join(paths.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const { path, authorization, canned } = await prepare(emu, ca);
    const responseFile = join(workDir, 'canned-call-record.json');
    await writeFile(responseFile, JSON.stringify(canned));
    bare = await startBareProcess(paths, responseFile, 15_000, true);
    const check = await httpsRequest(bare.port, path, ca, { headers: { authorization } });
    if (check.status !== 200 || check.body.toString('base64') !== canned.bodyBase64) throw new Error('the bare server does not serialize the emulator response byte for byte');

    const common = { caFile, concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, path, authorization };
    const emulator: LoadResult[] = [];
    const bareResults: LoadResult[] = [];
    const emuServer = emu;
    const bareServer = bare;
    await alternateRounds(
      options.rounds,
      250,
      async () => void emulator.push(await load(paths, { ...common, port: emuServer.port }, emuServer.pid)),
      async () => void bareResults.push(await load(paths, { ...common, port: bareServer.port }, bareServer.pid)),
      (round) =>
        log(`  call record round ${round + 1}/${options.rounds}: emulator ${emulator.at(-1)?.requestsPerSecond.toFixed(0)} req/s, bare ${bareResults.at(-1)?.requestsPerSecond.toFixed(0)} req/s`),
    );
    return { path, responseBytes: Buffer.from(canned.bodyBase64, 'base64').length, emulator, bare: bareResults };
  } finally {
    await Promise.all([emu ? stopProcess(emu.child) : undefined, bare ? stopProcess(bare.child) : undefined]);
  }
}

/** Server CPU ms per response over the whole run (warm-up included), median of rounds: less load-dependent than responses/s. */
function cpuPerResponse(runs: readonly LoadResult[]): number | undefined {
  const values = runs.flatMap((r) => (r.serverCpuMs !== undefined && r.total > 0 ? [r.serverCpuMs / r.total] : []));
  return values.length === 0 ? undefined : median(values);
}

const clean = (results: readonly LoadResult[]): boolean => results.every((r) => r.errors === 0 && Object.keys(r.statuses).every((s) => s === '200'));

export function renderCallRecordReport(result: CallRecordBenchResult, options: ThroughputOptions, command: string): string {
  const emu = median(result.emulator.map((r) => r.requestsPerSecond));
  const bare = median(result.bare.map((r) => r.requestsPerSecond));
  const ratio = emu / bare;
  const p50 = (rs: readonly LoadResult[]): string => `${median(rs.map((r) => r.latencyMs.p50)).toFixed(1)} ms`;
  const ok = clean(result.emulator) && clean(result.bare);
  const emuCpu = cpuPerResponse(result.emulator);
  const bareCpu = cpuPerResponse(result.bare);
  return [
    `### Call record GET (${CALL_RECORD_SESSIONS} sessions, ${CALL_RECORD_PARTICIPANTS} participants; first page of 60 sessions with segments)`,
    '',
    `Command: \`${command}\``,
    '',
    `\`GET ${result.path}\` — ${(result.responseBytes / 1024).toFixed(0)} KiB per response; ${options.rounds} round(s) of ${options.durationMs / 1000} s at concurrency ${options.concurrency}, interleaved.`,
    'Baseline: a bare Node HTTPS server (same certificate) that JSON.stringify-s the same response object for every request.',
    '',
    '| figure | emulator | bare baseline | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
    `| responses/s (median of rounds) | ${emu.toFixed(0)} | ${bare.toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ≥ ${CALL_RECORD_GOAL * 100}% | ${ratio >= CALL_RECORD_GOAL ? 'met' : '**not met**'} |`,
    `| server CPU ms per response, user + system (median of rounds) | ${emuCpu?.toFixed(1) ?? 'n/a'} | ${bareCpu?.toFixed(1) ?? 'n/a'} | ${emuCpu !== undefined && bareCpu !== undefined ? `${((bareCpu / emuCpu) * 100).toFixed(0)}% (bare ÷ emulator)` : 'n/a'} | — (reported only) | — |`,
    `| latency p50 | ${p50(result.emulator)} | ${p50(result.bare)} | | | |`,
    `| rounds (req/s) | ${result.emulator.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} | ${result.bare.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} | | | |`,
    ok ? '' : '\n**Some responses were not 200 or failed in transport: the figures are not comparable.**',
  ].join('\n');
}
