import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DestinationRefused, type DestinationPolicy } from './destinationPolicy.js';

export interface PostResult {
  status: number;
  contentType: string;
  body: string;
  durationMs: number;
}

export class PostFailed extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    /** The destination policy refused the host: nothing was connected to. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'PostFailed';
  }
}

/** Receivers' answers are read up to this size; the rest is discarded. */
const MAX_BODY = 64 * 1024;

// Idle keep-alive sockets are unref'd by the agents, so they never hold a process open.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/**
 * POST a body and read the answer, failing after `timeoutMs` in all (connect, send and answer), as
 * Graph's HTTP client does (3 s for notifications, 10 s for the validation handshake). Only to where
 * `destinations` allows: an IP literal is checked here, a name by the request's lookup, so a refused
 * host is never connected to (PostFailed with `refused`). Without `keepAlive`, the connection is
 * closed after the answer.
 */
export function post(url: URL, body: string, contentType: string, timeoutMs: number, destinations: DestinationPolicy, keepAlive = true): Promise<PostResult> {
  const started = performance.now();
  const literal = destinations.checkLiteral(url);
  if (literal !== undefined && !literal.ok) return Promise.reject(new PostFailed(`not sent: ${literal.reason}`, false, true));
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = Buffer.from(body, 'utf8');
    let settled = false;
    const fail = (err: PostFailed): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = send(url, {
      method: 'POST',
      // A kept-alive socket is reused without a new lookup: it goes to the address checked when it connected.
      agent: !keepAlive ? false : url.protocol === 'https:' ? httpsAgent : httpAgent,
      ...(literal === undefined ? { lookup: destinations.lookupFor(url) } : {}),
      headers: { 'content-type': contentType, 'content-length': payload.length, 'user-agent': 'graph-comms-emulator (Microsoft Graph change notifications)' },
    });
    // The deadline is the receiver's, not this process's: when the event loop was busy (a load test, a
    // long synchronous write), the timer and an answer that arrived in time fall due in the same loop
    // turn, and timers run before sockets are read. So the timeout waits one turn (setImmediate runs
    // after the poll phase has read every ready socket) and fails only if the answer still has not come.
    let answered = false;
    const timedOut = (): void => fail(new PostFailed(`no answer within ${timeoutMs} ms`, true));
    let timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          if (!answered) return timedOut();
          // Headers came in time but not the end of the body: it gets as long again, no more (a receiver
          // that never finishes its body must not hold the handshake forever).
          timer = setTimeout(timedOut, timeoutMs);
        }),
      timeoutMs,
    );
    req.on('error', (err) => fail(err instanceof DestinationRefused ? new PostFailed(`not sent: ${err.message}`, false, true) : new PostFailed(err.message, false)));
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('error', (err) => fail(new PostFailed(err.message, false)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          durationMs: performance.now() - started,
        });
      });
    });
    req.end(payload);
  });
}
