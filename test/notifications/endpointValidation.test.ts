import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationPolicy } from '../../src/notifications/destinationPolicy.js';
import { validateEndpoint } from '../../src/notifications/endpointValidation.js';

/**
 * Issue 12 item 18: under load, a few subscription creations failed validation although the receiver
 * answered correctly and in time. The emulator's event loop was busy when the answer came: the
 * handshake's timer and the answer fell due in the same loop turn, and a turn runs timers before it
 * reads sockets, so the emulator called a timely answer late ("Subscription validation request timed
 * out."). Here a receiver in a worker thread (its own event loop, like a receiver in another process)
 * answers while this thread is blocked past the deadline, as a loaded emulator's is.
 */

/**
 * A webhook receiver in a worker. flags[0]: 1 when it has the request, 2 once its answer is written to
 * the socket; it answers only after flags[1] says the main thread is blocked, so the answer is sure to
 * arrive while the emulator cannot read it.
 */
const RECEIVER = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData);
const server = createServer((req, res) => {
  const token = new URL(req.url, 'http://receiver').searchParams.get('validationToken');
  req.resume();
  req.on('end', () => {
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    while (Atomics.load(flags, 1) === 0) Atomics.wait(flags, 1, 0, 50);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(token ?? '', () => { Atomics.store(flags, 0, 2); Atomics.notify(flags, 0); });
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

describe('the validation handshake on a busy emulator', () => {
  let worker: Worker;
  let port: number;
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const destinations = new DestinationPolicy([]);

  beforeAll(async () => {
    worker = new Worker(RECEIVER, { eval: true, workerData: flags.buffer });
    port = await new Promise<number>((resolve) => worker.once('message', resolve));
  });
  afterAll(async () => {
    worker.postMessage('stop');
    await new Promise((resolve) => worker.once('exit', resolve));
  });

  it('accepts an answer that arrived within the limit while the event loop was blocked past it', async () => {
    // Long enough for the request to reach the receiver on a loaded machine; what is tested is the end of it.
    const timeoutMs = 3_000;
    Atomics.store(flags, 0, 0);
    Atomics.store(flags, 1, 0);
    const started = Date.now();
    const check = validateEndpoint(new URL(`http://127.0.0.1:${port}/hook?keep=1`), destinations, timeoutMs);
    // Once the receiver has the request, block this thread as a loaded emulator's is: the receiver
    // answers meanwhile (its answer waits in the socket), and the block lasts past the deadline.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (Atomics.load(flags, 0) === 0) return;
        clearInterval(poll);
        // In the check phase, as a long synchronous task is: the loop's next turn starts with timers.
        setImmediate(() => {
          Atomics.store(flags, 1, 1);
          Atomics.notify(flags, 1);
          while (Atomics.load(flags, 0) !== 2) Atomics.wait(flags, 0, 1, 50);
          while (Date.now() - started <= timeoutMs + 50) Atomics.wait(flags, 0, 2, 10);
          resolve();
        });
      }, 1);
    });
    expect(await check).toEqual({ ok: true });
  });

  it('still refuses a receiver that answers after the limit', async () => {
    // A TCP server that accepts and never answers.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const result = await validateEndpoint(new URL(`http://127.0.0.1:${silentPort}/hook`), destinations, 200);
      expect(result).toEqual({ ok: false, code: 'InvalidRequest', message: 'Subscription validation request timed out.' });
    } finally {
      silent.close();
    }
  });
});
