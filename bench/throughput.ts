import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CannedResponse } from './bareServer.js';
import { httpsRequest } from './httpsRequest.js';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { idleMemory, type ProcessMemory } from './memory.js';
import { alternateRounds } from './interleave.js';
import { procCpuMs, runNode, stopProcess } from './processes.js';
import { loadGeneratorScript, startBareProcess, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';

export interface ThroughputOptions {
  rounds: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Idle time before each memory reading. */
  settleMs: number;
}

export interface ThroughputResult {
  path: string;
  responseBytes: number;
  emulator: LoadResult[];
  bare: LoadResult[];
  emulatorMemory: ProcessMemory;
  bareMemory: ProcessMemory;
}

interface DemoInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  organizerUserId: string;
  meetingId: string;
}

/** Headers that Node's HTTP server sets (or that describe the connection), so the baseline must not copy them. */
const NOT_COPIED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

async function json<T>(res: { status: number; body: Buffer }, what: string): Promise<T> {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

/** Demo ids, an app token and the exact response the emulator gives for the benchmarked GET. */
export async function prepare(emu: RunningServer, ca: string): Promise<{ path: string; authorization: string; canned: CannedResponse }> {
  const demo = await json<DemoInfo>(await httpsRequest(emu.port, '/_emulator/demo', ca), 'GET /_emulator/demo');
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: demo.clientId,
    client_secret: demo.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  }).toString();
  const token = await json<{ access_token: string }>(
    await httpsRequest(emu.port, `/${encodeURIComponent(demo.tenantId)}/oauth2/v2.0/token`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    }),
    'POST token',
  );
  const path = `/v1.0/users/${encodeURIComponent(demo.organizerUserId)}/onlineMeetings/${encodeURIComponent(demo.meetingId)}`;
  const authorization = `Bearer ${token.access_token}`;
  const sample = await httpsRequest(emu.port, path, ca, { headers: { authorization, accept: 'application/json' } });
  if (sample.status !== 200) throw new Error(`GET ${path}: HTTP ${sample.status} ${sample.body.toString('utf8').slice(0, 500)}`);
  const canned: CannedResponse = {
    status: sample.status,
    headers: sample.headers.filter(([name]) => !NOT_COPIED.has(name.toLowerCase())),
    bodyBase64: sample.body.toString('base64'),
  };
  return { path, authorization, canned };
}

/** One load run against the server process `serverPid`, with the CPU time that process spent on it. */
async function load(paths: Paths, config: LoadConfig, serverPid: number): Promise<LoadResult> {
  const cpuBefore = await procCpuMs(serverPid);
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + 20_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  const cpuAfter = await procCpuMs(serverPid);
  const line = out.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line) as LoadResult;
  if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
  return result;
}

/**
 * Throughput of one authenticated onlineMeeting GET against the emulator and against a bare HTTPS
 * server replaying the same response, the same load generator for both, rounds interleaved
 * (alternating which goes first). The same two server processes also give the memory readings.
 */
export async function measureThroughput(paths: Paths, workDir: string, options: ThroughputOptions, log: (line: string) => void): Promise<ThroughputResult> {
  let emu: RunningServer | undefined;
  let bare: RunningServer | undefined;
  try {
    emu = await startEmulatorProcess(paths);
    const emulatorMemory: ProcessMemory = { afterStart: await idleMemory(emu.pid, options.settleMs) };
    const caFile = join(paths.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const { path, authorization, canned } = await prepare(emu, ca);
    const responseFile = join(workDir, 'canned-response.json');
    await writeFile(responseFile, JSON.stringify(canned));

    bare = await startBareProcess(paths, responseFile);
    const bareMemory: ProcessMemory = { afterStart: await idleMemory(bare.pid, options.settleMs) };
    const check = await httpsRequest(bare.port, path, ca, { headers: { authorization } });
    if (check.status !== canned.status || check.body.toString('base64') !== canned.bodyBase64) {
      throw new Error('the bare server does not replay the emulator response byte for byte');
    }

    const common = { caFile, concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, path, authorization };
    const emulator: LoadResult[] = [];
    const bareResults: LoadResult[] = [];
    const emuPort = emu.port;
    const barePort = bare.port;
    const emuPid = emu.pid;
    const barePid = bare.pid;
    const runEmulator = async (): Promise<void> => {
      emulator.push(await load(paths, { ...common, port: emuPort }, emuPid));
    };
    const runBare = async (): Promise<void> => {
      bareResults.push(await load(paths, { ...common, port: barePort }, barePid));
    };
    await alternateRounds(options.rounds, 250, runEmulator, runBare, (round) =>
      log(`  round ${round + 1}/${options.rounds}: emulator ${emulator.at(-1)?.requestsPerSecond.toFixed(0)} req/s, bare ${bareResults.at(-1)?.requestsPerSecond.toFixed(0)} req/s`),
    );

    const [emuAfter, bareAfter] = await Promise.all([idleMemory(emu.pid, options.settleMs * 2), idleMemory(bare.pid, options.settleMs * 2)]);
    emulatorMemory.afterLoad = emuAfter;
    bareMemory.afterLoad = bareAfter;
    return { path, responseBytes: Buffer.from(canned.bodyBase64, 'base64').length, emulator, bare: bareResults, emulatorMemory, bareMemory };
  } finally {
    await Promise.all([emu ? stopProcess(emu.child) : undefined, bare ? stopProcess(bare.child) : undefined]);
  }
}
