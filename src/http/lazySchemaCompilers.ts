import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
/** What fastify hands a compiler: the schema and where it applies. */
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string; httpStatus?: string; contentType?: string };
// The shapes fastify calls (its published types are a union over ajv and JTD builders).
type Factory<C> = (externalSchemas: unknown, options: unknown) => C;
type ValidatorCompiler = (route: RouteSchema) => Validate;
type SerializerCompiler = (route: RouteSchema) => (data: unknown) => string;

// Fastify's own default compilers, resolved from fastify's location so they are the very modules
// (and versions) fastify would load itself when given no compilers factory.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

interface Validate {
  (data: unknown, dataContext?: unknown): unknown;
  errors?: unknown;
  schemaEnv?: unknown;
}

/**
 * Fastify's default (ajv) validator, compiled when a route first validates rather than at start-up:
 * compiling every control-API schema (and loading ajv) was about a third of the start-up time, and
 * most runs never call most control routes. Validation itself is unchanged: the same compiler with
 * the same options, called as fastify calls ajv (with the parent data, so root coercion works).
 * The trade-off: a schema that does not compile fails on its route's first request, not at start.
 */
/**
 * Query strings, path parameters and headers arrive as text, so they keep fastify's defaults
 * (coercion, '10' → 10; unknown query parameters dropped) whatever the server's options say for bodies.
 * `strict` keeps the coercion but refuses unknown query parameters (`additionalProperties: false`
 * then fails validation instead of stripping).
 */
function forText(options: unknown, strict: boolean): unknown {
  const given = (options ?? {}) as { customOptions?: Record<string, unknown> };
  return { ...given, customOptions: { ...given.customOptions, coerceTypes: 'array', removeAdditional: !strict } };
}

export interface SchemaControllerOptions {
  /**
   * Routes whose URL starts with one of these refuse unknown query parameters (a 400) rather than
   * drop them: the control API, where a typo such as `?tpo=5` should fail loudly. Graph's own routes
   * keep dropping them, as Graph ignores unknown query parameters in many places.
   */
  strictQueryUnder?: readonly string[];
}

function lazyValidatorFactory(strictQueryUnder: readonly string[]): ValidatorFactory {
  let real: Factory<ValidatorCompiler> | undefined;
  const factory: Factory<ValidatorCompiler> = (externalSchemas, options) => {
    let bodyCompiler: ValidatorCompiler | undefined;
    let textCompiler: ValidatorCompiler | undefined;
    let strictQueryCompiler: ValidatorCompiler | undefined;
    const compile = (route: RouteSchema): Validate => {
      real ??= (fromFastify('@fastify/ajv-compiler') as () => Factory<ValidatorCompiler>)();
      if (route.httpPart === 'body') return (bodyCompiler ??= real(externalSchemas, options))(route);
      if (route.httpPart === 'querystring' && strictQueryUnder.some((prefix) => route.url.startsWith(prefix))) {
        return (strictQueryCompiler ??= real(externalSchemas, forText(options, true)))(route);
      }
      return (textCompiler ??= real(externalSchemas, forText(options, false)))(route);
    };
    return (route) => {
      let validate: Validate | undefined;
      const lazy: Validate = (data, dataContext) => {
        validate ??= compile(route);
        const result = validate.schemaEnv !== undefined ? validate(data, dataContext) : validate(data);
        lazy.errors = validate.errors;
        return result;
      };
      // Fastify passes the parent data only to functions that look like ajv's; ours forwards it.
      lazy.schemaEnv = true;
      return lazy;
    };
  };
  return factory as unknown as ValidatorFactory;
}

/** Fastify's default (fast-json-stringify) response serializers, built on first use for the same reason. */
function lazySerializerFactory(): SerializerFactory {
  let real: Factory<SerializerCompiler> | undefined;
  const factory: Factory<SerializerCompiler> = (externalSchemas, options) => {
    let compiler: SerializerCompiler | undefined;
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown): string => {
        if (serialize === undefined) {
          real ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factory<SerializerCompiler>)();
          compiler ??= real(externalSchemas, options);
          serialize = compiler(route);
        }
        return serialize(data);
      };
    };
  };
  return factory as unknown as SerializerFactory;
}

/** For `Fastify({ schemaController })`: fastify's default compilers, each schema compiled on first use. */
export const lazySchemaController = (options: SchemaControllerOptions = {}): NonNullable<FastifyServerOptions['schemaController']> => ({
  compilersFactory: { buildValidator: lazyValidatorFactory(options.strictQueryUnder ?? []), buildSerializer: lazySerializerFactory() },
});
