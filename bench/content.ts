import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { demoAndToken, download, type DownloadResult } from './artifactClient.js';
import { httpsRequest } from './httpsRequest.js';
import { idleMemory, MB, type MemorySnapshot } from './memory.js';
import { alternateRounds } from './interleave.js';
import { spawnNodeUntilReady, stopProcess } from './processes.js';
import { emulatorNodeFlags, emulatorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';

export interface ContentOptions {
  bytes: number;
  rounds: number;
}

export interface ContentResult {
  bytes: number;
  simulateSeconds: number;
  emulator: DownloadResult[];
  bare: DownloadResult[];
  emulatorIdle: MemorySnapshot;
  bareIdle: MemorySnapshot;
  commands: { emulator: string; bare: string };
  /** The same download from an emulator keeping the bytes in PostgreSQL (chunk rows), beside the same bare server; or why not. */
  postgres: { simulateSeconds: number; emulator: DownloadResult[]; bare: DownloadResult[] } | { skipped: string };
}

/** The PostgreSQL server for the content part's PostgreSQL variant (the test suite's local default). */
const BENCH_DATABASE_URL = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_POSTGRES_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EMULATOR_READY = /graph-comms-emulator ready on https?:\/\/\S+?:(\d+)\b/;

const BARE_READY = /bare-server ready on https:\/\/\S+?:(\d+)\b/;

/** The blob file of `bytes` bytes in the emulator's blob store (content-addressed: blobs/xx/<sha-256>). */
async function findBlob(blobDir: string, bytes: number): Promise<string> {
  for (const prefix of await readdir(blobDir)) {
    if (prefix === 'tmp') continue;
    for (const name of await readdir(join(blobDir, prefix))) {
      const file = join(blobDir, prefix, name);
      if ((await stat(file)).size === bytes) return file;
    }
  }
  throw new Error(`no blob of ${bytes} bytes under ${blobDir}`);
}

/**
 * Download of a large recording's content (streamed synthetic MP4) from the emulator against a bare
 * Node HTTPS server piping the same file with fs.createReadStream; the servers' RSS is sampled while
 * they stream.
 */
export async function measureContent(base: Paths, workDir: string, options: ContentOptions, log: (line: string) => void): Promise<ContentResult> {
  const paths: Paths = { ...base, dataDir: join(workDir, 'content') };
  let emu: RunningServer | undefined;
  let bare: RunningServer | undefined;
  try {
    emu = await startEmulatorProcess(paths, 60_000);
    const ca = await readFile(join(base.tlsDir, 'ca.pem'), 'utf8');
    const { demo, authorization } = await demoAndToken(emu.port, ca);
    const { recordingId, seconds: simulateSeconds } = await simulateRecording(emu.port, ca, demo.meetingId, options.bytes);
    log(`  a ${(options.bytes / MB).toFixed(0)} MiB recording made (streamed to the blob store) in ${simulateSeconds.toFixed(1)} s`);
    const path = `/v1.0/users/${demo.organizerUserId}/onlineMeetings/${encodeURIComponent(demo.meetingId)}/recordings/${encodeURIComponent(recordingId)}/content`;
    const file = await findBlob(join(paths.dataDir, 'blobs'), options.bytes);
    const ready = await spawnNodeUntilReady(
      join(base.repoRoot, 'dist', 'bench', 'bareArtifactServer.js'),
      ['--tls-dir', base.tlsDir, '--file', file, '--type', 'video/mp4'],
      BARE_READY,
      30_000,
      base.repoRoot,
    );
    bare = { ...ready, port: Number(BARE_READY.exec(ready.readyLine)?.[1]), selfReportedMs: undefined };
    const [emulatorIdle, bareIdle] = await Promise.all([idleMemory(emu.pid, 500), idleMemory(bare.pid, 500)]);
    const emulator: DownloadResult[] = [];
    const bareRuns: DownloadResult[] = [];
    const downloadFrom = (who: 'emulator' | 'bare', server: RunningServer, into: DownloadResult[]) => async (): Promise<void> => {
      const result = await download(ca, server.port, path, authorization, server.pid);
      if (result.bytes !== options.bytes) throw new Error(`${who}: downloaded ${result.bytes} bytes, expected ${options.bytes}`);
      into.push(result);
    };
    await alternateRounds(options.rounds, 250, downloadFrom('emulator', emu, emulator), downloadFrom('bare', bare, bareRuns), (round) =>
      log(`  round ${round + 1}/${options.rounds}: emulator ${emulator.at(-1)!.mbPerSecond.toFixed(0)} MiB/s, bare ${bareRuns.at(-1)!.mbPerSecond.toFixed(0)} MiB/s`),
    );
    const postgres = await measurePostgres(base, ca, bare, options, log);
    return {
      postgres,
      bytes: options.bytes,
      simulateSeconds,
      emulator,
      bare: bareRuns,
      emulatorIdle,
      bareIdle,
      commands: {
        emulator: 'node --max-semi-space-size=4 dist/cli.mjs start --port 0 --data-dir <tmp> --tls-dir <tmp>/tls --log-level warn',
        bare: 'node dist/bench/bareArtifactServer.js --tls-dir <tmp>/tls --file <the same blob> --type video/mp4',
      },
    };
  } finally {
    await Promise.all([emu ? stopProcess(emu.child) : undefined, bare ? stopProcess(bare.child) : undefined]);
  }
}

/** POST /_emulator/meetings/{id}/simulate with recordingSizeBytes (the MP4 streamed into the content store). */
async function simulateRecording(port: number, ca: string, meetingId: string, bytes: number): Promise<{ recordingId: string; seconds: number }> {
  const started = performance.now();
  const made = await httpsRequest(
    port,
    `/_emulator/meetings/${encodeURIComponent(meetingId)}/simulate`,
    ca,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recordingSizeBytes: bytes, transcript: false }) },
    600_000,
  );
  if (made.status !== 201) throw new Error(`simulate: HTTP ${made.status} ${made.body.toString('utf8')}`);
  const { recordingId } = JSON.parse(made.body.toString('utf8')) as { recordingId: string };
  return { recordingId, seconds: (performance.now() - started) / 1000 };
}

/**
 * The PostgreSQL variant (issue 16 item 5): an emulator on a schema of its own with no data dir, so
 * the recording lives in chunk rows, downloaded against the same bare fs-stream server in the same
 * run. Skipped, with the reason, when no PostgreSQL server answers at BENCH_DATABASE_URL.
 */
async function measurePostgres(base: Paths, ca: string, bare: RunningServer, options: ContentOptions, log: (line: string) => void): Promise<ContentResult['postgres']> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (err) {
    const skipped = `no PostgreSQL server at ${BENCH_DATABASE_URL.replace(/\/\/[^@]*@/, '//')} (${err instanceof Error ? err.message : String(err)}); set BENCH_DATABASE_URL`;
    log(`  PostgreSQL variant skipped: ${skipped}`);
    return { skipped };
  }
  const schema = `bench_content_${randomBytes(4).toString('hex')}`;
  let emu: RunningServer | undefined;
  try {
    const args = ['start', '--port', '0', '--database-url', BENCH_DATABASE_URL, '--database-schema', schema, '--tls-dir', base.tlsDir, '--log-level', 'warn'];
    const ready = await spawnNodeUntilReady(emulatorScript(base), args, EMULATOR_READY, 60_000, base.repoRoot, emulatorNodeFlags(base));
    emu = { ...ready, port: Number(EMULATOR_READY.exec(ready.readyLine)?.[1]), selfReportedMs: undefined };
    const { demo, authorization } = await demoAndToken(emu.port, ca);
    const { recordingId, seconds } = await simulateRecording(emu.port, ca, demo.meetingId, options.bytes);
    log(`  PostgreSQL: the recording made (streamed into chunk rows) in ${seconds.toFixed(1)} s`);
    const path = `/v1.0/users/${demo.organizerUserId}/onlineMeetings/${encodeURIComponent(demo.meetingId)}/recordings/${encodeURIComponent(recordingId)}/content`;
    const emulator: DownloadResult[] = [];
    const bareRuns: DownloadResult[] = [];
    const from = (server: RunningServer, into: DownloadResult[]) => async (): Promise<void> => {
      const result = await download(ca, server.port, path, authorization, server.pid);
      if (result.bytes !== options.bytes) throw new Error(`downloaded ${result.bytes} bytes, expected ${options.bytes}`);
      into.push(result);
    };
    const running = emu;
    await alternateRounds(options.rounds, 250, from(running, emulator), from(bare, bareRuns), (round) =>
      log(`  PostgreSQL round ${round + 1}/${options.rounds}: emulator ${emulator.at(-1)!.mbPerSecond.toFixed(0)} MiB/s, bare ${bareRuns.at(-1)!.mbPerSecond.toFixed(0)} MiB/s`),
    );
    return { simulateSeconds: seconds, emulator, bare: bareRuns };
  } finally {
    if (emu !== undefined) await stopProcess(emu.child);
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** CPU time per GiB of each round, median: the servers' own cost, which other processes on a loaded machine shift far less than MiB/s. */
function cpuPerGiB(runs: DownloadResult[]): number | undefined {
  const values = runs.flatMap((x) => (x.serverCpuMs !== undefined ? [x.serverCpuMs / (x.bytes / (1024 * MB))] : []));
  return values.length === 0 ? undefined : median(values);
}

const cpu = (n: number | undefined): string => (n === undefined ? 'n/a' : `${n.toFixed(0)} ms`);

export function renderContent(r: ContentResult): string {
  const e = median(r.emulator.map((x) => x.mbPerSecond));
  const b = median(r.bare.map((x) => x.mbPerSecond));
  const mb = (n: number | undefined): string => (n === undefined ? 'n/a' : `${(n / MB).toFixed(0)} MB`);
  const peak = (runs: DownloadResult[]): number | undefined => {
    const values = runs.map((x) => x.peakRss).filter((x): x is number => x !== undefined);
    return values.length === 0 ? undefined : Math.max(...values);
  };
  const eCpu = cpuPerGiB(r.emulator);
  const bCpu = cpuPerGiB(r.bare);
  return [
    `### Content: download of a ${(r.bytes / MB).toFixed(0)} MiB recording (median of ${r.emulator.length} rounds each, interleaved)`,
    '',
    '| | emulator | bare HTTPS server, fs stream of the same file | ratio (goal ≥ 85%) |',
    '| --- | ---: | ---: | ---: |',
    `| MiB/s | ${e.toFixed(0)} | ${b.toFixed(0)} | ${((e / b) * 100).toFixed(0)}% |`,
    `| server CPU ms per GiB, user + system (less load-dependent than MiB/s) | ${cpu(eCpu)} | ${cpu(bCpu)} | ${eCpu !== undefined && bCpu !== undefined ? `${((bCpu / eCpu) * 100).toFixed(0)}% (baseline ÷ emulator)` : 'n/a'} |`,
    `| RSS idle before | ${mb(r.emulatorIdle.rss)} | ${mb(r.bareIdle.rss)} | |`,
    `| peak RSS while streaming | ${mb(peak(r.emulator))} | ${mb(peak(r.bare))} | |`,
    ...renderPostgres(r),
    '',
    `Making the recording (POST /_emulator/meetings/{id}/simulate with recordingSizeBytes, streamed into the blob store): ${r.simulateSeconds.toFixed(1)} s.`,
    `Commands: \`${r.commands.emulator}\`; \`${r.commands.bare}\`.`,
  ].join('\n');
}

function renderPostgres(r: ContentResult): string[] {
  if ('skipped' in r.postgres) return [`| PostgreSQL-stored content | skipped: ${r.postgres.skipped} | | |`];
  const e = median(r.postgres.emulator.map((x) => x.mbPerSecond));
  const b = median(r.postgres.bare.map((x) => x.mbPerSecond));
  const peak = Math.max(...r.postgres.emulator.map((x) => x.peakRss ?? 0));
  return [
    `| MiB/s, content in PostgreSQL (chunk rows; no --data-dir) | ${e.toFixed(0)} | ${b.toFixed(0)} | ${((e / b) * 100).toFixed(0)}% |`,
    // The emulator process's CPU only: the PostgreSQL server's backend works for it too, and is not counted.
    `| emulator CPU ms per GiB, content in PostgreSQL (the PostgreSQL server's own not counted) | ${cpu(cpuPerGiB(r.postgres.emulator))} | ${cpu(cpuPerGiB(r.postgres.bare))} | |`,
    `| peak RSS while streaming from PostgreSQL | ${peak === 0 ? 'n/a' : `${(peak / MB).toFixed(0)} MB`} | | |`,
    `| making it in PostgreSQL (simulate) | ${r.postgres.simulateSeconds.toFixed(1)} s | | |`,
  ];
}
