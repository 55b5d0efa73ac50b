import { isIP } from 'node:net';
import { forbidden, type GraphError } from './errors.js';

/**
 * Which names in a request's Host header the emulator answers to. A web page the user visits can
 * point its own DNS name at 127.0.0.1 ("DNS rebinding") and then read the emulator's answers as
 * same-origin; its requests still carry that name in Host, so refusing unknown names stops it.
 * IP literals are always fine (a page addressed by IP has that IP as its origin: nothing to
 * rebind), as are localhost and *.localhost, which resolve to loopback only
 * (https://www.rfc-editor.org/rfc/rfc6761#section-6.3). Vite and webpack-dev-server allow the same set.
 *
 * A function rather than a list, so whoever assembles the server (a forward proxy that serves
 * graph.microsoft.com, say) can widen it.
 */
export type HostAllowance = (hostname: string) => boolean;

/**
 * The allowance for these names: exact names, `*.suffix` for any name below it, `*` for any. The
 * port is not looked at: a rebinding page uses the emulator's own port anyway.
 */
export function allowHosts(names: Iterable<string>): HostAllowance {
  const exact = new Set<string>();
  const suffixes: string[] = ['.localhost'];
  let any = false;
  for (const raw of names) {
    const name = raw.trim().toLowerCase().replace(/\.$/, '');
    if (name === '*') any = true;
    else if (name.startsWith('*.')) suffixes.push(name.slice(1));
    else if (name !== '') exact.add(name.replace(/^\[(.*)\]$/, '$1'));
  }
  exact.add('localhost');
  return (hostname) => {
    if (any) return true;
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return isIP(name) !== 0 || exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
  };
}

/** The name in a Host header (`name`, `name:port`, `[v6]:port`); undefined when it is not one. */
export function hostnameOf(host: string): string | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?))(?::\d{1,5})?$/.exec(host);
  if (match === null) return undefined;
  return match[1] ?? match[2];
}

/** Why a request with this Host header is refused, or undefined when it may go on (no Host: HTTP/1.0, no browser). */
export function hostRefusal(host: string | undefined, allows: HostAllowance): GraphError | undefined {
  if (host === undefined || host === '') return undefined;
  const hostname = hostnameOf(host);
  if (hostname !== undefined && allows(hostname)) return undefined;
  const shown = JSON.stringify(host.length > 100 ? `${host.slice(0, 100)}…` : host);
  return forbidden(
    `The Host header ${shown} names a host this emulator does not answer to (a guard against DNS rebinding). ` +
      'Call it as localhost, 127.0.0.1 or [::1], or add the name with --allowed-host NAME (library: allowedHosts).',
  );
}
