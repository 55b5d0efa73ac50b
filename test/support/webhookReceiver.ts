import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: Record<string, unknown>;
  receivedAtMs: number;
}

export type ReceiverMode = 'up' | 'failing' | 'hanging' | 'wrongEcho' | 'noEcho';

/**
 * A real webhook receiver on 127.0.0.1, as an app would run: it answers Graph's validation handshake
 * (echoing validationToken as text/plain) and records every notification POST, answering 202.
 * `mode` makes it misbehave: failing = `failStatus` (503), hanging = never answers, wrongEcho/noEcho = bad handshakes;
 * `holding` records notification POSTs and answers them on `release()`.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly validations: string[] = [];
  mode: ReceiverMode = 'up';
  /** Answer notification POSTs (not handshakes) this much later. */
  delayMs = 0;
  /** The status a `failing` receiver answers notification POSTs with. */
  failStatus = 503;
  /** Record notification POSTs but hold their answers until `release()`. */
  holding = false;
  /** Answer this many notification POSTs, then hold every later one as `holding` does (until `release()`). */
  holdAfter: number | undefined;
  /** Notification POSTs being answered right now, per path, and the most there ever were at once. */
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  private held: ServerResponse[] = [];
  private server: Server;
  private port = 0;
  private hanging: ServerResponse[] = [];

  constructor() {
    this.server = this.makeServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = this.makeServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stop listening (connections refused) until `start()` again on the same port. */
  async stop(): Promise<void> {
    for (const res of [...this.hanging.splice(0), ...this.held.splice(0)]) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answer the held notification POSTs (with `status`) and stop holding; returns how many there were. */
  release(status = 202): number {
    this.holding = false;
    this.holdAfter = undefined;
    const held = this.held.splice(0);
    for (const res of held) res.writeHead(status).end();
    return held.length;
  }

  /** Notification POSTs received and not answered yet (held). */
  get heldCount(): number {
    return this.held.length;
  }

  /** Every notification item received at `path` (all paths when omitted). */
  items(path?: string): Array<Record<string, unknown>> {
    return this.received.filter((r) => path === undefined || r.path === path).flatMap((r) => (r.body['value'] as Array<Record<string, unknown>>) ?? []);
  }

  async waitForItems(count: number, timeoutMs = 15_000, path?: string): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs;
    while (this.items(path).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} notifications at ${path ?? 'any path'}, got ${this.items(path).length} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.items(path);
  }

  private makeServer(): Server {
    return createServer((req, res) => this.handle(req, res));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const token = url.searchParams.get('validationToken');
      if (this.mode === 'hanging') {
        this.hanging.push(res);
        return;
      }
      if (token !== null) {
        this.validations.push(token);
        if (this.mode === 'failing') return void res.writeHead(503).end();
        if (this.mode === 'noEcho') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('');
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(this.mode === 'wrongEcho' ? `${token}x` : token);
        return;
      }
      const path = url.pathname;
      const busy = (this.inFlight.get(path) ?? 0) + 1;
      this.inFlight.set(path, busy);
      this.maxInFlight.set(path, Math.max(busy, this.maxInFlight.get(path) ?? 0));
      res.once('close', () => this.inFlight.set(path, (this.inFlight.get(path) ?? 1) - 1));
      if (this.mode !== 'up') return void res.writeHead(this.failStatus).end();
      const text = Buffer.concat(chunks).toString('utf8');
      this.received.push({
        path: url.pathname,
        query: url.searchParams,
        contentType: String(req.headers['content-type'] ?? ''),
        body: JSON.parse(text) as Record<string, unknown>,
        receivedAtMs: Date.now(),
      });
      if (this.holding || (this.holdAfter !== undefined && this.received.length > this.holdAfter)) this.held.push(res);
      else if (this.delayMs > 0) setTimeout(() => res.writeHead(202).end(), this.delayMs);
      else res.writeHead(202).end();
    });
  }
}
