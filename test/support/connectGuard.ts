import { lookup as dnsLookup } from 'node:dns';
import { isIP, Socket } from 'node:net';
import { constants } from 'node:os';

/** What net's TCP handles expose (node's internal tcp_wrap binding): the calls that start a connect. */
interface TcpHandleConnect {
  connect(req: unknown, address: string, port: number, ...rest: unknown[]): number;
  connect6(req: unknown, address: string, port: number, ...rest: unknown[]): number;
}

export interface ConnectGuard {
  /** Every TCP connect this process started since the guard was installed, as `address:port`. */
  readonly attempts: string[];
  /** The non-loopback ones (each was blocked before the system call), emptied by the call. */
  takeOutside(): string[];
  restore(): void;
}

/** Loopback, judged here independently of the code under test. */
const isLoopback = (address: string): boolean => address.startsWith('127.') || address === '::1' || address.toLowerCase().startsWith('::ffff:127.');

type Connect = (...args: unknown[]) => unknown;
type Lookup = (hostname: string, options: unknown, callback: (err: Error | null, address: unknown, family?: number) => void) => void;

/**
 * Stops this process from opening a TCP connection to anything but loopback, whatever the code under
 * test decides: a connect to another address fails with ECONNREFUSED before the socket's system call
 * (no packet leaves) and is recorded for the test to assert on. It wraps the TCP handle's
 * connect/connect6, which every net.Socket connect ends in after its lookup (a hook on
 * net.Socket.prototype.connect alone would only see the host name). Where a Node has no
 * process.binding('tcp_wrap'), it wraps net.Socket.prototype.connect instead: an IP-literal host is
 * judged there, and a request's own `lookup` is wrapped so the addresses it hands the socket are.
 */
export function guardConnects(via: 'tcp' | 'lookup' = 'tcp'): ConnectGuard {
  const attempts: string[] = [];
  let outside: string[] = [];
  const allowed = (address: string, port: unknown): boolean => {
    const target = address.includes(':') ? `[${address}]:${String(port)}` : `${address}:${String(port)}`;
    attempts.push(target);
    if (isLoopback(address)) return true;
    outside.push(target);
    return false;
  };
  const guard = {
    attempts,
    takeOutside: () => {
      const taken = outside;
      outside = [];
      return taken;
    },
  };
  let proto: TcpHandleConnect | undefined;
  if (via === 'tcp') {
    try {
      proto = (process as unknown as { binding(name: string): { TCP?: { prototype: TcpHandleConnect } } }).binding('tcp_wrap').TCP?.prototype;
    } catch {
      proto = undefined;
    }
  }
  if (proto !== undefined && typeof proto.connect === 'function' && typeof proto.connect6 === 'function') {
    const tcp = proto;
    const original = { connect: tcp.connect, connect6: tcp.connect6 };
    const refused = -constants.errno.ECONNREFUSED;
    const wrap = (kind: 'connect' | 'connect6') =>
      function (this: TcpHandleConnect, req: unknown, address: string, port: number, ...rest: unknown[]): number {
        return allowed(address, port) ? original[kind].call(this, req, address, port, ...rest) : refused;
      };
    tcp.connect = wrap('connect');
    tcp.connect6 = wrap('connect6');
    return {
      ...guard,
      restore: () => {
        tcp.connect = original.connect;
        tcp.connect6 = original.connect6;
      },
    };
  }
  const socketProto = Socket.prototype as unknown as { connect: Connect };
  const originalConnect = socketProto.connect;
  const refusal = (address: string, port: unknown): Error =>
    Object.assign(new Error(`connect ECONNREFUSED ${address}:${String(port)} (blocked by the test's connect guard)`), { code: 'ECONNREFUSED' });
  socketProto.connect = function (this: Socket, ...args: unknown[]): unknown {
    // net.connect passes its normalized [options, callback] as one array argument.
    const options = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: unknown; path?: string | null; lookup?: Lookup } | undefined;
    if (options !== null && typeof options === 'object' && options.path == null) {
      const host = options.host ?? 'localhost';
      if (isIP(host) !== 0) {
        if (!allowed(host, options.port)) {
          process.nextTick(() => this.destroy(refusal(host, options.port)));
          return this;
        }
      } else {
        const lookup: Lookup = options.lookup ?? ((hostname, lookupOptions, callback) => dnsLookup(hostname, lookupOptions as object, callback as never));
        options.lookup = (hostname, lookupOptions, callback) =>
          lookup(hostname, lookupOptions, (err, address, family) => {
            if (err !== null) return callback(err, address, family);
            const list = Array.isArray(address) ? (address as Array<{ address: string }>).map((a) => a.address) : [String(address)];
            const blocked = list.filter((a) => !allowed(a, options.port));
            if (blocked.length > 0) return callback(refusal(blocked[0]!, options.port), Array.isArray(address) ? [] : '', family);
            callback(null, address, family);
          });
      }
    }
    return originalConnect.apply(this, args);
  };
  return {
    ...guard,
    restore: () => {
      socketProto.connect = originalConnect;
    },
  };
}
