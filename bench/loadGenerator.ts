/**
 * The load generator, run in its own process so that it never shares an event loop with a server.
 *
 *   GCE_BENCH_LOAD='<LoadConfig as JSON>' node dist/bench/loadGenerator.js
 *
 * `concurrency` loops, each on its own keep-alive connection, send GET `path` to 127.0.0.1:`port`
 * back to back. Requests that complete during the warm-up are not counted; after it, every
 * response completed within `durationMs` counts. Prints one JSON line (LoadResult) and exits.
 * Bounded: stops issuing requests at the end of the window, gives in-flight requests at most
 * `requestTimeoutMs`, and exits regardless after warm-up + duration + `requestTimeoutMs` + 10 s.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export interface LoadConfig {
  port: number;
  path: string;
  /** Value of the authorization header, if any. */
  authorization?: string;
  caFile: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Socket inactivity allowed per request before it counts as an error (default 10 s). */
  requestTimeoutMs?: number;
  /**
   * Go through the drop-in proxy on 127.0.0.1:`proxyPort` instead: each connection is a CONNECT
   * tunnel to `host`:443 (a Microsoft host the proxy terminates), then TLS for that name.
   */
  proxy?: { proxyPort: number; host: string };
  /** Mixed load: every `every`-th request of each connection is this POST instead of the GET. */
  post?: { path: string; body: string; every: number };
}

export interface LoadResult {
  /** Responses completed within the measurement window. */
  completed: number;
  /** Responses completed over the whole run, warm-up included (what the server's CPU time served). */
  total: number;
  /** The server's user + system CPU time over the whole run, in ms (set by the caller from /proc). */
  serverCpuMs?: number;
  windowMs: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Status code → count, over the measurement window. */
  statuses: Record<string, number>;
  /** Transport errors (resets, timeouts) over the whole run. */
  errors: number;
  firstError?: string;
  /** Transport error message → count, over the whole run. */
  errorMessages: Record<string, number>;
  /** "METHOD status" → count for answers that were not 2xx, with the first body of each (over the whole run). */
  failures: Record<string, { count: number; firstBody: string }>;
  /** Bytes of response body per request, as last seen (to check both servers sent the same payload). */
  bodyBytes: number;
}

const MAX_SAMPLES = 5_000_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

async function main(): Promise<void> {
  // From the environment rather than argv, so the bearer token does not show in ps.
  const raw = process.env['GCE_BENCH_LOAD'];
  if (raw === undefined) throw new Error('usage: GCE_BENCH_LOAD=<config JSON> node loadGenerator.js');
  const config = JSON.parse(raw) as LoadConfig;
  const requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
  const hardStop = setTimeout(
    () => {
      console.error('load generator: hard time limit reached');
      process.exit(3);
    },
    config.warmupMs + config.durationMs + requestTimeoutMs + 10_000,
  );
  hardStop.unref();

  const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency, maxFreeSockets: config.concurrency, ca: readFileSync(config.caFile) });
  if (config.proxy !== undefined) tunnelThrough(agent, config.proxy.proxyPort);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.authorization !== undefined) headers['authorization'] = config.authorization;
  // 127.0.0.1 only (a proxied host name is only ever sent to the proxy on 127.0.0.1); the emulator's certificate names 127.0.0.1 as well as localhost.
  const options = { host: config.proxy?.host ?? '127.0.0.1', port: config.proxy !== undefined ? 443 : config.port, path: config.path, method: 'GET', agent, headers, timeout: requestTimeoutMs };
  const postOptions =
    config.post === undefined
      ? undefined
      : {
          ...options,
          path: config.post.path,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(config.post.body)) },
        };
  const errorMessages: Record<string, number> = {};
  const failures: Record<string, { count: number; firstBody: string }> = {};

  const samples = new Float64Array(MAX_SAMPLES);
  let sampleCount = 0;
  const statuses: Record<string, number> = {};
  let completed = 0;
  let total = 0;
  let errors = 0;
  let firstError: string | undefined;
  let bodyBytes = 0;

  const begin = performance.now();
  const windowStart = begin + config.warmupMs;
  const windowEnd = windowStart + config.durationMs;

  // Each transport error is itemized by what tells causes apart: the request's method, whether it went
  // out on a kept-alive socket that had already served a request (a reset there, within milliseconds,
  // is the keep-alive race with the server closing an idle socket) or on a fresh one, and how long
  // after sending it failed (a timeout shows as the limit itself).
  const failed = (err: Error, post: boolean, reused: boolean | undefined, sent: number): void => {
    errors++;
    firstError ??= err.message;
    const code = (err as NodeJS.ErrnoException).code;
    const socket = reused === undefined ? 'before a socket' : reused ? 'reused socket' : 'new socket';
    const seconds = Math.max(1, Math.ceil((performance.now() - sent) / 1000));
    const key = `${post ? 'POST' : 'GET'} ${code !== undefined ? `${code}: ` : ''}${err.message} (${socket}, within ${seconds} s)`;
    errorMessages[key] = (errorMessages[key] ?? 0) + 1;
  };
  const once = (post: boolean): Promise<void> =>
    new Promise((resolve) => {
      const sent = performance.now();
      let reused: boolean | undefined;
      const req = request(post && postOptions !== undefined ? postOptions : options, (res) => {
        let bytes = 0;
        const status = res.statusCode ?? 0;
        const kept: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if ((status < 200 || status > 299) && kept.length < 4) kept.push(chunk);
        });
        res.once('end', () => {
          const done = performance.now();
          total++;
          if (status < 200 || status > 299) {
            const key = `${post ? 'POST' : 'GET'} ${status}`;
            const entry = (failures[key] ??= { count: 0, firstBody: Buffer.concat(kept).toString('utf8').slice(0, 300) });
            entry.count++;
          }
          if (done >= windowStart && done <= windowEnd) {
            completed++;
            const key = String(res.statusCode);
            statuses[key] = (statuses[key] ?? 0) + 1;
            if (sampleCount < MAX_SAMPLES) samples[sampleCount++] = done - sent;
          }
          bodyBytes = bytes;
          resolve();
        });
        res.once('error', (err) => {
          failed(err, post, reused, sent);
          resolve();
        });
      });
      req.once('socket', () => (reused = req.reusedSocket));
      req.once('timeout', () => req.destroy(new Error(`no response within ${requestTimeoutMs} ms`)));
      req.once('error', (err) => {
        failed(err, post, reused, sent);
        resolve();
      });
      req.end(post && config.post !== undefined ? config.post.body : undefined);
    });

  const worker = async (): Promise<void> => {
    // Bounded by time; a failing server cannot spin this forever either (errors back off briefly).
    let n = 0;
    while (performance.now() < windowEnd) {
      const before = errors;
      n++;
      await once(config.post !== undefined && n % config.post.every === 0);
      if (errors !== before) await new Promise((r) => setTimeout(r, 10));
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  agent.destroy();

  const sorted = samples.subarray(0, sampleCount).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const windowMs = config.durationMs;
  const result: LoadResult = {
    completed,
    total,
    windowMs,
    requestsPerSecond: completed / (windowMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
      mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    },
    statuses,
    errors,
    errorMessages,
    failures,
    bodyBytes,
  };
  if (firstError !== undefined) result.firstError = firstError;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  clearTimeout(hardStop);
}

type CreateConnection = (options: ConnectionOptions & { host?: string; port?: number }, callback: (err: Error | null, socket?: Socket) => void) => Socket | undefined;

/** Every connection of `agent` becomes a CONNECT tunnel through the proxy on 127.0.0.1, then TLS for the host asked for. */
function tunnelThrough(agent: Agent, proxyPort: number): void {
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    const target = `${options.host ?? ''}:${options.port ?? 443}`;
    const connect = httpRequest({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: target, headers: { host: target }, agent: false });
    connect.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback(new Error(`the proxy refused CONNECT ${target}: ${res.statusCode ?? '?'}`));
        return;
      }
      callback(null, tlsConnect({ ...options, socket, servername: options.host ?? '' }));
    });
    connect.once('error', (err) => callback(err));
    connect.end();
    return undefined;
  };
}

main().catch((err: unknown) => {
  console.error(`load generator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
