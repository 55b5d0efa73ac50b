/**
 * Baselines for the artifact benchmarks: a bare Node HTTPS server (the emulator's certificate) that
 * either replays delta pages from memory or streams one file from disk.
 *
 *   node dist/bench/bareArtifactServer.js --tls-dir DIR --pages FILE   (JSON: { "<path?query>": { type, bodyBase64 } })
 *   node dist/bench/bareArtifactServer.js --tls-dir DIR --file PATH --type video/mp4
 *
 * Prints "bare-server ready on https://127.0.0.1:<port>" once listening.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { flag, requiredFlag } from './scriptFlags.js';

const tlsDir = requiredFlag('bare-artifact-server', '--tls-dir');

type Handler = Parameters<typeof createServer>[1];
let handler: Handler;
const pagesFile = flag('--pages');
const file = flag('--file');
if (pagesFile !== undefined) {
  const raw = JSON.parse(readFileSync(pagesFile, 'utf8')) as Record<string, { type: string; bodyBase64: string }>;
  const pages = new Map(Object.entries(raw).map(([key, page]) => [key, { type: page.type, body: Buffer.from(page.bodyBase64, 'base64') }]));
  handler = (req, res) => {
    const page = pages.get(req.url ?? '');
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': page.type, 'content-length': page.body.length });
    res.end(page.body);
  };
} else if (file !== undefined) {
  const size = statSync(file).size;
  const type = flag('--type') ?? 'application/octet-stream';
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': size });
    createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
  };
} else {
  console.error('bare-artifact-server: --pages FILE or --file PATH is required');
  process.exit(2);
}

const server = createServer({ key: readFileSync(join(tlsDir, 'server-key.pem')), cert: readFileSync(join(tlsDir, 'server.pem')) }, handler);
server.listen(Number(flag('--port') ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`bare-server ready on https://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
