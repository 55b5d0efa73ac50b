import { Ajv, type ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Microsoft's schema for the types we serve (strict flavour), vendored in test/fixtures/graph-schema
 * with its provenance and licence: every JSON body a test receives from a Graph endpoint is checked
 * against it.
 */
const SCHEMA_DIR = fileURLToPath(new URL('../fixtures/graph-schema/', import.meta.url));

type Version = 'v1.0' | 'beta';

const ajvs = new Map<Version, Ajv>();
const cache = new Map<string, ValidateFunction>();

function ajvFor(version: Version): Ajv {
  let ajv = ajvs.get(version);
  if (ajv === undefined) {
    const file = resolve(SCHEMA_DIR, version, 'schema.strict.json');
    if (!existsSync(file)) throw new Error(`Graph schema not found at ${file}: test/fixtures/graph-schema is part of the repository`);
    ajv = new Ajv({ strict: true, allErrors: true });
    ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object);
    ajvs.set(version, ajv);
  }
  return ajv;
}

/** Throws with ajv's errors unless `body` is a valid instance of the named definition. */
export function expectGraphType(version: Version, definition: string, body: unknown): void {
  const id = `urn:graph-emulator:graph-schema:${version}:strict#/definitions/${definition}`;
  let validate = cache.get(id);
  if (validate === undefined) {
    validate = ajvFor(version).getSchema(id);
    if (validate === undefined) throw new Error(`no definition ${definition} in the ${version} schema`);
    cache.set(id, validate);
  }
  if (!validate(body)) {
    throw new Error(`response is not a valid ${definition} (${version}):\n${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`);
  }
}

export const expectGraphError = (version: Version, body: unknown): void => expectGraphType(version, 'microsoft.graph.ODataErrors.ODataError', body);
