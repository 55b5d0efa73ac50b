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

/**
 * Stops this process from opening a TCP connection to anything but loopback, whatever the code under
 * test decides: a connect to another address fails with ECONNREFUSED before the socket's system call
 * (no packet leaves) and is recorded for the test to assert on. It wraps the TCP handle's
 * connect/connect6, which every net.Socket connect ends in after its lookup (a hook on
 * net.Socket.prototype.connect would only see the host name).
 */
export function guardConnects(): ConnectGuard {
  const binding = (process as unknown as { binding(name: string): { TCP: { prototype: TcpHandleConnect } } }).binding('tcp_wrap');
  const proto = binding.TCP.prototype;
  const original = { connect: proto.connect, connect6: proto.connect6 };
  const attempts: string[] = [];
  let outside: string[] = [];
  const refused = -constants.errno.ECONNREFUSED;
  const wrap = (kind: 'connect' | 'connect6') =>
    function (this: TcpHandleConnect, req: unknown, address: string, port: number, ...rest: unknown[]): number {
      const target = kind === 'connect6' ? `[${address}]:${port}` : `${address}:${port}`;
      attempts.push(target);
      if (!isLoopback(address)) {
        outside.push(target);
        return refused;
      }
      return original[kind].call(this, req, address, port, ...rest);
    };
  proto.connect = wrap('connect');
  proto.connect6 = wrap('connect6');
  return {
    attempts,
    takeOutside: () => {
      const taken = outside;
      outside = [];
      return taken;
    },
    restore: () => {
      proto.connect = original.connect;
      proto.connect6 = original.connect6;
    },
  };
}
