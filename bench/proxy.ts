import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpsRequest } from './httpsRequest.js';
import { alternateRounds } from './interleave.js';
import type { LoadConfig, LoadResult } from './loadGenerator.js';
import { runNode, stopProcess } from './processes.js';
import { loadGeneratorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';
import type { ThroughputOptions } from './throughput.js';

/**
 * The drop-in proxy bench (issue 13): one emulator started with --proxy-port, the same authenticated
 * Graph GET (the demo meeting's recordings) sent straight to it and through its proxy (a CONNECT
 * tunnel to graph.microsoft.com:443 per keep-alive connection, TLS terminated by the proxy), same
 * load generator, rounds interleaved. Goal: through the proxy ≥ 70% of direct.
 */
export const PROXY_GOAL = 0.7;

export interface ProxyBenchResult {
  path: string;
  direct: LoadResult[];
  proxied: LoadResult[];
}

async function json<T>(res: { status: number; body: Buffer }, what: string): Promise<T> {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

async function load(paths: Paths, config: LoadConfig): Promise<LoadResult> {
  const out = await runNode(loadGeneratorScript(paths), [], config.warmupMs + config.durationMs + 20_000, paths.repoRoot, { GCE_BENCH_LOAD: JSON.stringify(config) });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult;
}

export async function measureProxy(paths: Paths, options: ThroughputOptions, log: (line: string) => void): Promise<ProxyBenchResult> {
  let emu: RunningServer | undefined;
  try {
    emu = await startEmulatorProcess(paths, 30_000, ['--proxy-port', '0']);
    const proxyPort = Number(/HTTPS_PROXY=http:\/\/127\.0\.0\.1:(\d+)/.exec(emu.readyLine)?.[1]);
    if (!Number.isInteger(proxyPort) || proxyPort <= 0) throw new Error(`no proxy port in the ready line: ${emu.readyLine}`);
    const caFile = join(paths.tlsDir, 'ca.pem');
    const ca = await readFile(caFile, 'utf8');
    const demo = await json<{ tenantId: string; clientId: string; clientSecret: string; organizerUserId: string; meetingId: string }>(
      await httpsRequest(emu.port, '/_emulator/demo', ca),
      'GET /_emulator/demo',
    );
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: demo.clientId, client_secret: demo.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
    const token = await json<{ access_token: string }>(
      await httpsRequest(emu.port, `/${encodeURIComponent(demo.tenantId)}/oauth2/v2.0/token`, ca, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }),
      'POST token',
    );
    const path = `/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/recordings`;
    const common = { caFile, concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, path, authorization: `Bearer ${token.access_token}` };
    const direct: LoadResult[] = [];
    const proxied: LoadResult[] = [];
    const port = emu.port;
    await alternateRounds(
      options.rounds,
      250,
      async () => void direct.push(await load(paths, { ...common, port })),
      async () => void proxied.push(await load(paths, { ...common, port, proxy: { proxyPort, host: 'graph.microsoft.com' } })),
      (round) =>
        log(`  proxy round ${round + 1}/${options.rounds}: direct ${direct.at(-1)?.requestsPerSecond.toFixed(0)} req/s, through the proxy ${proxied.at(-1)?.requestsPerSecond.toFixed(0)} req/s`),
    );
    return { path, direct, proxied };
  } finally {
    if (emu) await stopProcess(emu.child);
  }
}

const clean = (results: readonly LoadResult[]): boolean => results.every((r) => r.errors === 0 && Object.keys(r.statuses).every((s) => s === '200'));

export function renderProxyReport(result: ProxyBenchResult, options: ThroughputOptions): string {
  const direct = median(result.direct.map((r) => r.requestsPerSecond));
  const proxied = median(result.proxied.map((r) => r.requestsPerSecond));
  const ratio = proxied / direct;
  const p50 = (rs: readonly LoadResult[]): string => `${median(rs.map((r) => r.latencyMs.p50)).toFixed(1)} ms`;
  return [
    '### Drop-in proxy: authenticated Graph GET through the proxy vs direct',
    '',
    `\`GET ${result.path}\` on one emulator, direct (https://127.0.0.1) and through its proxy (CONNECT graph.microsoft.com:443, TLS terminated by the proxy); ${options.rounds} round(s) of ${options.durationMs / 1000} s at concurrency ${options.concurrency} on keep-alive connections, interleaved.`,
    'The bodies differ only in the host their links name (graph.microsoft.com through the proxy, 127.0.0.1:PORT direct).',
    '',
    '| figure | through the proxy | direct (baseline) | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
    `| responses/s (median of rounds) | ${proxied.toFixed(0)} | ${direct.toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ≥ ${PROXY_GOAL * 100}% | ${ratio >= PROXY_GOAL ? 'met' : '**not met**'} |`,
    `| latency p50 | ${p50(result.proxied)} | ${p50(result.direct)} | | | |`,
    `| rounds (req/s) | ${result.proxied.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} | ${result.direct.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} | | | |`,
    clean(result.direct) && clean(result.proxied) ? '' : '\n**Some responses were not 200 or failed in transport: the figures are not comparable.**',
  ].join('\n');
}
