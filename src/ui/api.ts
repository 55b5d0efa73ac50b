/** The control API as the dashboard calls it: same origin, JSON, and the header that marks its own reads (not recorded). */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-emulator-client': 'dashboard' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? null : JSON.stringify(init.body), credentials: 'same-origin' });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error?.message !== undefined) message = `${parsed.error.code ?? res.status}: ${parsed.error.message}`;
    } catch {
      // not JSON: the status line says enough
    }
    throw new ApiError(res.status, message);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export async function text(path: string): Promise<string> {
  const res = await fetch(path, { headers: { 'x-emulator-client': 'dashboard' } });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return res.text();
}

/**
 * Whether the control API lets this browser in: with an admin token it needs the dashboard session
 * cookie (admin/guard.ts), which startSession trades the token for. Resolves to false on a 401.
 */
export async function hasSession(): Promise<boolean> {
  const res = await fetch('/_emulator/session', { headers: { accept: 'application/json', 'x-emulator-client': 'dashboard' }, credentials: 'same-origin' });
  if (res.status === 401) return false;
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return true;
}

/** Trade the admin token for the session cookie (HttpOnly: this page never sees it again). */
export async function startSession(token: string): Promise<void> {
  const res = await fetch('/_emulator/session', {
    method: 'POST',
    headers: { accept: 'application/json', 'x-emulator-client': 'dashboard', authorization: `Bearer ${token}` },
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const parsed = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(res.status, parsed.error?.message ?? `${res.status} ${res.statusText}`);
  }
}

export type { ClockView } from '../runtime/wire.js';

type Handler = (data: unknown) => void;

/** One EventSource for the page: `request`, `clock` and `changed` events (GET /_emulator/events). */
export class Events {
  private readonly handlers = new Map<string, Set<Handler>>();
  private source: EventSource | undefined;

  start(): void {
    const source = new EventSource('/_emulator/events');
    for (const name of ['request', 'clock', 'changed']) {
      source.addEventListener(name, (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as unknown;
        for (const handler of this.handlers.get(name) ?? []) handler(data);
      });
    }
    this.source = source;
  }

  on(name: 'request' | 'clock' | 'changed', handler: Handler): () => void {
    let set = this.handlers.get(name);
    if (set === undefined) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  stop(): void {
    this.source?.close();
  }
}

export const events = new Events();
