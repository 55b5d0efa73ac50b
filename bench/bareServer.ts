/**
 * The baseline: a bare Node HTTPS server with the emulator's own certificate and key.
 *
 *   node dist/bench/bareServer.js --tls-dir DIR [--response FILE] [--port 0] [--host 127.0.0.1]
 *
 * With --response (a JSON file written by the throughput bench: status, headers, body in base64)
 * every request gets exactly those bytes and headers; without, a 200 with `{}`. With --serialize the
 * body is parsed once at start and JSON.stringify-ed again for every request: a server that holds the
 * object and serializes it per response (the call-record bench's baseline).
 * Prints "bare-server ready on https://127.0.0.1:<port>" once listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { flag, requiredFlag } from './scriptFlags.js';

export interface CannedResponse {
  status: number;
  /** Raw header pairs as the emulator sent them (hop-by-hop and date already removed). */
  headers: Array<[string, string]>;
  bodyBase64: string;
}

const tlsDir = requiredFlag('bare-server', '--tls-dir');
const responseFile = flag('--response');
const canned: CannedResponse =
  responseFile !== undefined
    ? (JSON.parse(readFileSync(responseFile, 'utf8')) as CannedResponse)
    : { status: 200, headers: [['content-type', 'application/json; charset=utf-8']], bodyBase64: Buffer.from('{}').toString('base64') };

const body = Buffer.from(canned.bodyBase64, 'base64');
const serialize = process.argv.includes('--serialize');
const object: unknown = serialize ? JSON.parse(body.toString('utf8')) : undefined;
const headers: OutgoingHttpHeaders = {};
for (const [name, value] of canned.headers) {
  const key = name.toLowerCase();
  const prior = headers[key];
  headers[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
}
headers['content-length'] = body.length;

const server = createServer({ key: readFileSync(join(tlsDir, 'server-key.pem')), cert: readFileSync(join(tlsDir, 'server.pem')) }, (_req, res) => {
  if (serialize) {
    const fresh = Buffer.from(JSON.stringify(object));
    res.writeHead(canned.status, { ...headers, 'content-length': fresh.length });
    res.end(fresh);
    return;
  }
  res.writeHead(canned.status, headers);
  res.end(body);
});
server.listen(Number(flag('--port') ?? '0'), flag('--host') ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`bare-server ready on https://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
