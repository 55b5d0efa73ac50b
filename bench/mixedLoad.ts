/**
 * Under load: `connections` keep-alive connections for `durationMs`, each sending the authenticated
 * onlineMeeting GET back to back with every `postEvery`-th request a subscription POST (whose
 * validation handshake goes to a receiver in its own process). Against the emulator process and
 * against the bare HTTPS server replaying the GET's response (to GETs and POSTs alike), same load
 * generator. Reported: requests, errors of every kind (transport errors and non-2xx answers, with
 * their messages), p50/p99.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { runNode, stopProcess } from './processes.js';
import { loadGeneratorScript, startBareProcess, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { prepare } from './throughput.js';

export interface MixedLoadOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
  postEvery: number;
}

export interface MixedLoadResult {
  options: MixedLoadOptions;
  emulator: LoadResult;
  bare: LoadResult;
}

async function startReceiver(paths: Paths): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(paths.repoRoot, 'dist', 'bench', 'notificationsReceiver.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`receiver exited ${String(code)}`)));
  });
  return { child, port };
}

/**
 * A subscription POST is answered only after the validation handshake, which Graph (and the emulator)
 * lets the receiver take up to 10 s over (notifications/endpointValidation.ts): a client giving up at
 * 10 s, the load generator's default, would count a correct but slow answer on a loaded machine as an
 * error of the emulator's. Clients' own limits are longer (the Graph SDKs' default is 100 s).
 */
const REQUEST_TIMEOUT_MS = 30_000;

async function load(paths: Paths, config: LoadConfig): Promise<LoadResult> {
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + REQUEST_TIMEOUT_MS + 30_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult;
}

export async function measureMixedLoad(paths: Paths, workDir: string, options: MixedLoadOptions, log: (line: string) => void): Promise<MixedLoadResult> {
  let emu: RunningServer | undefined;
  let bare: RunningServer | undefined;
  let receiver: { child: ChildProcess; port: number } | undefined;
  try {
    receiver = await startReceiver(paths);
    emu = await startEmulatorProcess(paths);
    const caFile = join(paths.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const { path, authorization, canned } = await prepare(emu, ca);
    const responseFile = join(workDir, 'mixed-load-response.json');
    await writeFile(responseFile, JSON.stringify(canned));
    bare = await startBareProcess(paths, responseFile);
    const body = JSON.stringify({
      changeType: 'created',
      notificationUrl: `http://127.0.0.1:${receiver.port}/load`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: new Date(Date.now() + 55 * 60_000).toISOString(),
    });
    const common = {
      caFile,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      concurrency: options.connections,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      path,
      authorization,
      post: { path: '/v1.0/subscriptions', body, every: options.postEvery },
    };
    const emulator = await load(paths, { ...common, port: emu.port });
    log(`  emulator: ${emulator.total} requests, ${emulator.errors} transport errors, ${Object.keys(emulator.failures).length} kinds of non-2xx, p99 ${emulator.latencyMs.p99.toFixed(0)} ms`);
    const bareResult = await load(paths, { ...common, port: bare.port });
    log(`  bare: ${bareResult.total} requests, ${bareResult.errors} transport errors, p99 ${bareResult.latencyMs.p99.toFixed(0)} ms`);
    return { options, emulator, bare: bareResult };
  } finally {
    receiver?.child.kill('SIGKILL');
    await Promise.all([emu ? stopProcess(emu.child) : undefined, bare ? stopProcess(bare.child) : undefined]);
  }
}

const failed = (r: LoadResult): number => r.errors + Object.values(r.failures ?? {}).reduce((n, f) => n + f.count, 0);

export function renderMixedLoad(r: MixedLoadResult): string {
  const e = r.emulator;
  const b = r.bare;
  const row = (name: string, ev: string, bv: string, goal = '', met = ''): string => `| ${name} | ${ev} | ${bv} | ${goal} | ${met} |`;
  const details = (x: LoadResult): string[] => [
    ...Object.entries(x.errorMessages ?? {}).map(([message, n]) => `${n}× ${message}`),
    ...Object.entries(x.failures ?? {}).map(([status, f]) => `${f.count}× ${status}: ${f.firstBody}`),
  ];
  const lines = [
    `### Under load (${r.options.connections} connections × ${r.options.durationMs / 1000} s, every ${r.options.postEvery}th request a subscription POST)`,
    '',
    '| figure | emulator | bare server | goal | met |',
    '| --- | --- | --- | --- | --- |',
    row('requests (whole run)', `${e.total}`, `${b.total}`),
    row('requests / s (window)', e.requestsPerSecond.toFixed(0), b.requestsPerSecond.toFixed(0)),
    row('errors (transport + non-2xx)', `${failed(e)}`, `${failed(b)}`, '0', failed(e) === 0 ? 'met' : '**not met**'),
    row('latency p50', `${e.latencyMs.p50.toFixed(1)} ms`, `${b.latencyMs.p50.toFixed(1)} ms`),
    row('latency p99', `${e.latencyMs.p99.toFixed(1)} ms`, `${b.latencyMs.p99.toFixed(1)} ms`, 'reported'),
    row('latency p99, emulator ÷ bare', Number.isFinite(e.latencyMs.p99 / b.latencyMs.p99) ? `${(e.latencyMs.p99 / b.latencyMs.p99).toFixed(2)}×` : 'n/a', '1×'),
    row('latency max', `${e.latencyMs.max.toFixed(1)} ms`, `${b.latencyMs.max.toFixed(1)} ms`),
    row('statuses (window)', JSON.stringify(e.statuses), JSON.stringify(b.statuses)),
    '',
    "The bare server answers every request (POSTs too) with the GET's bytes; its errors and latencies are the machine's and the load generator's share.",
  ];
  const de = details(e);
  if (de.length > 0) lines.push('', 'Emulator errors:', ...de.map((d) => `- ${d}`));
  const db = details(b);
  if (db.length > 0) lines.push('', 'Bare server errors:', ...db.map((d) => `- ${d}`));
  return lines.join('\n');
}
