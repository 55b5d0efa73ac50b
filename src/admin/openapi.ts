import type { SwaggerOptions } from '@fastify/swagger';
import { operationIdOf } from './operations.js';
import Fastify, { type FastifyInstance, type HTTPMethods, type RouteOptions } from 'fastify';

export type OpenApiDocument = ReturnType<FastifyInstance['swagger']>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The control API's OpenAPI description, built on first call (GET /_emulator/openapi.json). */
    openApiDocument(): Promise<OpenApiDocument>;
  }
}

const OPTIONS: SwaggerOptions = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'graph-comms-emulator control API',
      version: '1',
      description:
        'Control the emulator: tenants, users, apps, access policies, Teams app installations, meetings, the virtual clock, faults, tokens and reset. ' +
        "A POST, PUT, PATCH or DELETE must carry Content-Type: application/json or an X-Emulator-Client header (any value), and no Origin but the emulator's own; " +
        'started with --admin-token (or off loopback), every request but GET /_emulator/health needs Authorization: Bearer TOKEN.',
    },
  },
  hideUntagged: true,
};

interface DescribedRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  schema: RouteOptions['schema'];
  config: RouteOptions['config'];
}

/**
 * Records the routes that carry a schema as they are added, and decorates `openApiDocument()`,
 * which builds the description with @fastify/swagger on first call: loading and running it at
 * start-up cost about 50 ms for a document most runs never ask for. Call before adding routes.
 * The document is the one @fastify/swagger makes when registered on the app itself: the same
 * routes (their GET side: GET routes carry HEAD too), schemas and options, on a scratch instance
 * that never listens.
 */
export function describeRoutesLazily(app: FastifyInstance): void {
  const routes: DescribedRoute[] = [];
  app.addHook('onRoute', (route) => {
    // Routes without a schema carry no tags, and hideUntagged leaves them out anyway.
    if (route.schema === undefined) return;
    // GET routes carry HEAD too (http/app.ts answerHeadWithGet); the document describes the GET.
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD');
    const method = methods.length === 1 ? methods[0] : undefined;
    // Each control operation is named after its `emulator.admin` method (operations.ts).
    const operationId = method !== undefined ? operationIdOf(method, route.url) : undefined;
    routes.push({ method: method ?? methods, url: route.url, schema: operationId === undefined ? route.schema : { ...route.schema, operationId }, config: route.config });
  });
  let document: Promise<OpenApiDocument> | undefined;
  app.decorate(
    'openApiDocument',
    () =>
      (document ??= build(routes).catch((err: unknown) => {
        document = undefined;
        throw err;
      })),
  );
}

async function build(routes: readonly DescribedRoute[]): Promise<OpenApiDocument> {
  const { default: swagger } = await import('@fastify/swagger');
  const scratch = Fastify({ logger: false, exposeHeadRoutes: false });
  try {
    // Nothing is ever validated or serialized here.
    scratch.setValidatorCompiler(() => () => true);
    scratch.setSerializerCompiler(() => (data) => JSON.stringify(data));
    await scratch.register(swagger, OPTIONS);
    await scratch.register(async (instance) => {
      for (const route of routes) {
        instance.route({ method: route.method, url: route.url, schema: route.schema!, config: route.config, handler: async () => undefined });
      }
    });
    await scratch.ready();
    return scratch.swagger();
  } finally {
    await scratch.close();
  }
}
