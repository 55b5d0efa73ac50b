/**
 * `node --import graph-comms-emulator/register app.js`: drop-in mode for Node 20 and 22, whose
 * built-in fetch and node:https ignore HTTPS_PROXY (Node 24 honours it with NODE_USE_ENV_PROXY=1).
 * Requests to Microsoft's hosts (microsoftHosts.ts) go through the emulator's drop-in proxy; every
 * other request goes as before. Configured by the environment:
 *   GRAPH_EMULATOR_PROXY  the proxy, e.g. http://127.0.0.1:8000 (default: HTTPS_PROXY / https_proxy)
 *   GRAPH_EMULATOR_CA     a CA file to trust for those hosts (default: NODE_EXTRA_CA_CERTS, which
 *                         Node itself already trusts)
 * Covers global fetch (undici's global dispatcher) and node:https requests (https.request and
 * https.get to those hosts get the tunneling agent, whatever agent the caller passed: the Azure SDKs
 * and MSAL bring their own). A library with its own HTTP stack needs its own proxy setting.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from 'node:tls';
import { Agent, ProxyAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { isMicrosoftHost } from './microsoftHosts.js';

const env = process.env;
const proxyText = env['GRAPH_EMULATOR_PROXY'] ?? env['HTTPS_PROXY'] ?? env['https_proxy'];
if (proxyText === undefined || proxyText === '' || !URL.canParse(proxyText)) {
  throw new Error(
    'graph-comms-emulator/register: set GRAPH_EMULATOR_PROXY (or HTTPS_PROXY) to the emulator\'s drop-in proxy, e.g. http://127.0.0.1:8000 (start it with "graph-comms-emulator start --proxy-port 8000").',
  );
}
const proxy = new URL(proxyText);
if (proxy.protocol !== 'http:') throw new Error(`graph-comms-emulator/register: the drop-in proxy is plain HTTP (http://127.0.0.1:PORT), not ${proxy.protocol}`);
const caFile = env['GRAPH_EMULATOR_CA'];
// With a CA file named, trust it besides the bundled roots; otherwise Node's defaults (NODE_EXTRA_CA_CERTS included).
const ca = caFile !== undefined && caFile !== '' ? [...rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
const tlsExtra: ConnectionOptions = ca !== undefined ? { ca } : {};

/** fetch: Microsoft's hosts through the proxy, the rest directly. */
class MicrosoftHostsThroughProxy extends Agent {
  private readonly viaProxy = new ProxyAgent({ uri: proxy.href, requestTls: tlsExtra });

  override dispatch(options: Agent.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = typeof options.origin === 'string' ? new URL(options.origin) : options.origin;
    if (origin !== undefined && origin.protocol === 'https:' && isMicrosoftHost(origin.hostname)) return this.viaProxy.dispatch(options, handler);
    return super.dispatch(options, handler);
  }
}
setGlobalDispatcher(new MicrosoftHostsThroughProxy());

type CreateConnection = (options: ConnectionOptions & { host?: string; port?: number }, callback: (err: Error | null, socket?: Socket) => void) => Socket | undefined;

/** node:https: a CONNECT tunnel through the proxy for Microsoft's hosts, then TLS to the name the client asked for. */
class TunnelingAgent extends https.Agent {
  constructor() {
    super({ keepAlive: true });
    const direct = (this as unknown as { createConnection: CreateConnection }).createConnection.bind(this);
    (this as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
      const host = options.servername ?? options.host ?? '';
      if (!isMicrosoftHost(host)) return direct(options, callback);
      const port = options.port ?? 443;
      const connect: ClientRequest = httpRequest({
        host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: proxy.port || 80,
        method: 'CONNECT',
        path: `${host}:${port}`,
        headers: { host: `${host}:${port}` },
        agent: false,
      });
      connect.once('connect', (response, socket) => {
        if (response.statusCode !== 200) {
          socket.destroy();
          callback(new Error(`the drop-in proxy ${proxy.host} refused CONNECT ${host}:${port} (${response.statusCode ?? '?'})`));
          return;
        }
        callback(null, tlsConnect({ ...options, ...tlsExtra, socket, servername: host }));
      });
      connect.once('error', (err) => callback(err));
      connect.end();
      return undefined;
    };
  }
}
const tunneling = new TunnelingAgent();
https.globalAgent = tunneling;

type RequestArgs = Parameters<typeof https.request>;

/** The arguments of https.request/get with the tunneling agent when they name a Microsoft host. */
function viaTunnel(args: unknown[]): unknown[] {
  const [first, second] = args;
  const url = typeof first === 'string' ? new URL(first) : first instanceof URL ? first : undefined;
  const options = (url === undefined ? first : typeof second === 'object' && second !== null ? second : undefined) as (https.RequestOptions & { servername?: string }) | undefined;
  const host = options?.hostname ?? options?.host ?? url?.hostname ?? '';
  if (!isMicrosoftHost(host.replace(/:\d+$/, ''))) return args;
  if (url === undefined) return [{ ...options, agent: tunneling }, ...args.slice(1)];
  return options === undefined ? [url, { agent: tunneling }, ...args.slice(1)] : [url, { ...options, agent: tunneling }, ...args.slice(2)];
}
const originalRequest = https.request;
const originalGet = https.get;
https.request = ((...args: RequestArgs) => (originalRequest as (...a: unknown[]) => ReturnType<typeof https.request>)(...viaTunnel(args))) as typeof https.request;
https.get = ((...args: RequestArgs) => (originalGet as (...a: unknown[]) => ReturnType<typeof https.get>)(...viaTunnel(args))) as typeof https.get;
// `import { request } from 'node:https'` sees the wrapped functions too.
syncBuiltinESMExports();
