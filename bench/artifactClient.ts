import { Agent, request } from 'node:https';
import { httpsRequest } from './httpsRequest.js';
import { procCpuMs, procStatusBytes } from './processes.js';

/** One keep-alive HTTPS client to 127.0.0.1 for the artifact benchmarks (the same for emulator and baseline). */
export function keepAliveAgent(ca: string): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, ca });
}

/** GET a JSON page; bounded. */
export function getPage(agent: Agent, port: number, path: string, authorization: string, timeoutMs = 30_000): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { authorization }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${path}: no response within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

export interface DownloadResult {
  bytes: number;
  ms: number;
  mbPerSecond: number;
  /** Highest server RSS sampled while the download ran. */
  peakRss: number | undefined;
  rssBefore: number | undefined;
  /** The server's user + system CPU time over the download (ms): unlike MiB/s, barely moved by other load on the machine. */
  serverCpuMs: number | undefined;
}

const MiB = 1024 * 1024;

/** Stream a GET to nowhere, sampling the server's RSS every 50 ms. */
export async function download(ca: string, port: number, path: string, authorization: string, serverPid: number, timeoutMs = 300_000): Promise<DownloadResult> {
  const rssBefore = await procStatusBytes(serverPid);
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    void procStatusBytes(serverPid).then((rss) => {
      if (rss !== undefined && (peakRss === undefined || rss > peakRss)) peakRss = rss;
    });
  }, 50);
  const cpuBefore = await procCpuMs(serverPid);
  const started = performance.now();
  try {
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, ca, agent: false, headers: { authorization }, timeout: timeoutMs }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${String(res.statusCode)}`));
          res.resume();
          return;
        }
        let n = 0;
        res.on('data', (chunk: Buffer) => (n += chunk.length));
        res.once('error', reject);
        res.once('end', () => resolve(n));
      });
      req.once('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.once('error', reject);
      req.end();
    });
    const ms = performance.now() - started;
    const cpuAfter = await procCpuMs(serverPid);
    const serverCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    return { bytes, ms, mbPerSecond: bytes / MiB / (ms / 1000), peakRss, rssBefore, serverCpuMs };
  } finally {
    clearInterval(sampler);
  }
}

interface DemoInfo {
  tenantId: string;
  clientId: string;
  organizerUserId: string;
  meetingId: string;
}

/** Demo ids and an app token minted by the control API. */
export async function demoAndToken(port: number, ca: string): Promise<{ demo: DemoInfo; authorization: string }> {
  const demoRes = await httpsRequest(port, '/_emulator/demo', ca);
  if (demoRes.status !== 200) throw new Error(`GET /_emulator/demo: HTTP ${demoRes.status}`);
  const demo = JSON.parse(demoRes.body.toString('utf8')) as DemoInfo;
  const tokenRes = await httpsRequest(port, '/_emulator/tokens', ca, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: demo.clientId, lifetimeSeconds: 86_400 }),
  });
  if (tokenRes.status !== 200) throw new Error(`POST /_emulator/tokens: HTTP ${tokenRes.status} ${tokenRes.body.toString('utf8')}`);
  return { demo, authorization: `Bearer ${(JSON.parse(tokenRes.body.toString('utf8')) as { access_token: string }).access_token}` };
}
