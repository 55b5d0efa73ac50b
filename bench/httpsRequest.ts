import { request } from 'node:https';

export interface RawResponse {
  status: number;
  /** Header pairs in the order received. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** One bounded HTTPS request to 127.0.0.1 (setup only: demo info, token, capturing a response). */
export function httpsRequest(
  port: number,
  path: string,
  ca: string | Buffer,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  timeoutMs = 10_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers, ca, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    req.once('timeout', () => req.destroy(new Error(`${init.method ?? 'GET'} ${path}: no response within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end(init.body);
  });
}
