import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * "This process just wrote to the store": listeners (the dashboard's event stream) re-read what they
 * show instead of polling. SQLite fires after every statement that can change data and when a
 * transaction ends (the same points that invalidate the read cache), and its single connection
 * serializes a listener's read after the writer's transaction. PostgreSQL fires after each INSERT,
 * UPDATE or DELETE, which inside a transaction is before its commit: a listener reading at once on
 * another pooled connection may not see it yet, and must keep a slow poll for that (as for other processes).
 */
export class WriteSignal {
  private readonly listeners = new Set<() => void>();

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fire(): void {
    for (const listener of this.listeners) listener();
  }
}

const WRITES = new Set<RootOperationNode['kind']>(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/** A Kysely plugin that fires `signal` after each data-changing query (for drivers without a write hook). */
export function writeSignalPlugin(signal: WriteSignal): KyselyPlugin {
  const writing = new WeakSet<object>();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (WRITES.has(args.node.kind)) writing.add(args.queryId);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (writing.has(args.queryId)) signal.fire();
      return args.result;
    },
  };
}
