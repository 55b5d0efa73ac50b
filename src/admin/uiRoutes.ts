import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Serves the dashboard (src/ui, bundled by scripts/bundle.mjs into dist/ui) at GET /_emulator/ui:
 * files shipped in the package, nothing from a CDN. No inline script or style anywhere, so the
 * Content-Security-Policy allows only the emulator's own origin.
 */

/** dist/ui seen from this module: compiled (dist/src/admin), bundled (dist/cli.mjs), or run from source (src/admin, under vitest). */
const CANDIDATES = ['../../ui/', './ui/', '../../dist/ui/'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface UiFiles {
  dir: string;
  names: ReadonlySet<string>;
}

/** The built dashboard's directory and the files in it (read once: nothing else is ever served). */
export function findUiFiles(): UiFiles | undefined {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return { dir, names: new Set(readdirSync(dir)) };
  }
  return undefined;
}

const typeOf = (name: string): string => TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';

export function registerUiRoutes(app: FastifyInstance): void {
  let files: UiFiles | undefined | null = null;
  const cache = new Map<string, Buffer>();
  const read = (name: string): Buffer | undefined => {
    files ??= findUiFiles();
    if (files === undefined || !files.names.has(name)) return undefined;
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(`${files.dir}${name}`);
      cache.set(name, body);
    }
    return body;
  };
  const headers = { 'content-security-policy': DASHBOARD_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' };
  const notBuilt = (name: string) => ({
    error: { code: 'NotFound', message: `The dashboard file '${name.slice(0, 100)}' is not there: run "npm run build" (it bundles src/ui into dist/ui).` },
  });

  app.get('/_emulator/ui', async (_request, reply) => {
    const body = read('index.html');
    if (body === undefined) return reply.code(404).send(notBuilt('index.html'));
    return reply.headers(headers).type(TYPES['.html']!).send(body);
  });
  app.get<{ Params: { file: string } }>('/_emulator/ui/:file', async (request, reply) => {
    const name = request.params.file;
    const body = read(name);
    if (body === undefined) return reply.code(404).send(notBuilt(name));
    return reply.headers(headers).type(typeOf(name)).send(body);
  });
}
