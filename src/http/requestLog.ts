import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

/** The levels at which the request log prints (it logs at info). */
export const REQUEST_LOG_LEVELS: ReadonlySet<string> = new Set(['info', 'debug', 'trace']);

/** What the request log records per request: enough to see what an app did without a proxy. */
export interface RequestLogFields {
  method: string;
  url: string;
  status: number;
  ms: number;
  /** The calling app (client id) from the verified access token, when there is one. */
  appId?: string;
  /** The signed-in user (object id) of a delegated token. */
  userId?: string;
  /** The code of a Graph- or Entra-shaped error answer. */
  error?: string;
  requestId?: string;
}

export function logRequest(log: FastifyBaseLogger, request: FastifyRequest, reply: FastifyReply): void {
  const state = request.graphState as FastifyRequest['graphState'] | null;
  const principal = state?.principal;
  const fields: RequestLogFields = {
    method: request.method,
    url: request.originalUrl,
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    ...(principal !== undefined ? { appId: principal.clientId } : {}),
    ...(principal?.kind === 'delegated' ? { userId: principal.objectId } : {}),
    ...(state?.errorCode !== undefined ? { error: state.errorCode } : {}),
    ...(state !== null && state !== undefined ? { requestId: state.requestId } : {}),
  };
  log.info(fields, `${fields.method} ${fields.url} ${fields.status}`);
}

interface LogDestination {
  write(line: string): void;
}

/** Fastify's logger options: pino JSON lines on stdout, or the compact human form. */
export function logOptions(config: { readonly logLevel: string; readonly logFormat: 'json' | 'pretty' }): { level: string; base: undefined; stream?: LogDestination } {
  if (config.logFormat === 'json') return { level: config.logLevel, base: undefined };
  return { level: config.logLevel, base: undefined, stream: { write: (line) => process.stdout.write(prettyLine(line)) } };
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'err', 'reqId', 'req', 'res']);

/**
 * One pino JSON line as a compact human line: `12:00:01.234 GET /v1.0/me 200 3.1 ms app=… error=…`
 * for a request, `12:00:01.234 WARN message key=value` otherwise, with an error's stack below it.
 * Hand-rolled: pino-pretty is far more than this needs.
 */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record['time'] === 'number' ? new Date(record['time']).toISOString().slice(11, 23) : '';
  if (typeof record['method'] === 'string' && typeof record['status'] === 'number') {
    const f = record as unknown as RequestLogFields;
    const who = [f.appId !== undefined ? `app=${f.appId}` : '', f.userId !== undefined ? `user=${f.userId}` : '', f.error !== undefined ? `error=${f.error}` : '']
      .filter((part) => part !== '')
      .join(' ');
    return `${time} ${f.method} ${f.url} ${f.status} ${f.ms} ms${who === '' ? '' : ` ${who}`}\n`;
  }
  const level = LEVEL_NAMES[Number(record['level'])] ?? String(record['level']);
  const extra = Object.entries(record)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const err = record['err'] as { stack?: unknown; message?: unknown } | undefined;
  const stack = err === undefined ? '' : `\n  ${String(err.stack ?? err.message).replace(/\n/g, '\n  ')}`;
  return `${time} ${level} ${String(record['msg'] ?? '')}${extra === '' ? '' : ` ${extra}`}${stack}\n`;
}
