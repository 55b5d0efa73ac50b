/**
 * The benchmark's webhook receiver, in its own process (as a real app's would be): answers the
 * validation handshake, records each notification's (subscription, resource id, receipt instant),
 * answers 202. The parent asks for the records over IPC ('report'), and clears them ('reset').
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const now = (): number => performance.timeOrigin + performance.now();

let subscriptions: string[] = [];
let resources: string[] = [];
let receivedAt: number[] = [];
let posts = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(token);
      return;
    }
    posts++;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: Array<{ subscriptionId: string; resourceData: { id: string } }> };
    for (const item of body.value) {
      subscriptions.push(item.subscriptionId);
      resources.push(item.resourceData.id);
      receivedAt.push(at);
    }
    res.writeHead(202).end();
  });
});

process.on('message', (message: string) => {
  if (message === 'report') process.send!({ subscriptions, resources, receivedAt, posts });
  if (message === 'count') process.send!({ count: resources.length });
  if (message === 'reset') {
    subscriptions = [];
    resources = [];
    receivedAt = [];
    posts = 0;
    process.send!({ reset: true });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
