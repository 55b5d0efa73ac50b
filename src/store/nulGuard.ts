import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { DomainError } from '../runtime/errors.js';

const hasNul = (value: unknown): boolean => typeof value === 'string' && value.includes('\u0000');

// Every query's tree is walked: for…in and plain loops rather than Object.values/keys and some(), which
// allocated an array per node (the walk was 8% of a small delta page's CPU). Kysely's operation nodes
// are frozen object literals: their enumerable keys are their own.
function scan(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const item of node as unknown[]) if (scan(item)) return true;
    return false;
  }
  const n = node as OperationNode & { value?: unknown; values?: readonly unknown[] };
  if (n.kind === 'ValueNode') return hasNul(n.value);
  if (n.kind === 'PrimitiveValueListNode') return (n.values ?? []).some(hasNul);
  for (const key in node) if (scan((node as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * PostgreSQL's text cannot hold NUL and fails the whole query ("invalid byte sequence"); SQLite
 * would store it. Refuse such a value up front, on both stores alike, as a bad request: any id,
 * name or filter a client sends with a NUL in it is a 400, never a 500.
 */
export const nulGuard: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (scan(args.node)) throw new DomainError('invalid', 'The request contains a NUL character, which no identifier or value may hold.');
    return args.node;
  },
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  },
};
