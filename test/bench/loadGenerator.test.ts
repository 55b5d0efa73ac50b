import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadConfig, LoadResult } from '../../bench/loadGenerator.js';

const run = promisify(execFile);
const GENERATOR = resolve('dist/bench/loadGenerator.js');

/**
 * The load generator (built, dist/bench/loadGenerator.js) against an HTTPS server that answers GETs
 * and drops the connection on every POST: each failure must be itemized by method, socket and time,
 * so a run's rare errors say what they were.
 */
describe('the load generator itemizes transport errors', () => {
  const tlsDir = process.env['TEST_TLS_DIR']!;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer({ key: readFileSync(join(tlsDir, 'server-key.pem')), cert: readFileSync(join(tlsDir, 'server.pem')) }, (req, res) => {
      if (req.method === 'POST') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((done) => server.close(() => done())));

  it('names the method, the kept-alive socket and the time of a reset', async () => {
    const config: LoadConfig = {
      port,
      path: '/get',
      caFile: join(tlsDir, 'ca.pem'),
      concurrency: 2,
      warmupMs: 0,
      durationMs: 1_500,
      post: { path: '/post', body: '{}', every: 2 },
    };
    const { stdout } = await run(process.execPath, [GENERATOR], { env: { ...process.env, GCE_BENCH_LOAD: JSON.stringify(config) }, timeout: 30_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LoadResult;
    const kinds = Object.keys(result.errorMessages);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.statuses['200']).toBeGreaterThan(0);
    // Only the POSTs fail, each on a socket the agent had kept alive or a fresh one (the agent's pool is shared).
    expect(kinds.length).toBeGreaterThan(0);
    for (const kind of kinds) expect(kind).toMatch(/^POST ECONNRESET: socket hang up \((reused|new) socket, within \d+ s\)$/);
  });
});
