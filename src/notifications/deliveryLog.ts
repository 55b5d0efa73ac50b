import type { Kysely } from 'kysely';
import { notifiedData } from './payload.js';
import type { ResourceLinks } from './resourceLinks.js';
import { parseObject } from '../domain/json.js';
import { artifactChangeData } from '../domain/artifacts.js';
import type { Database } from '../store/schema.js';
import type { DeliveryAttemptView, DeliveryView } from '../runtime/wire.js';
export type { DeliveryAttemptView, DeliveryView };

export interface DeliveryQuery {
  subscriptionId?: string;
  status?: string;
  kind?: string;
  /** Newest first, at most this many (default 1000, at most 10000). */
  top?: number;
}

export async function listDeliveries(db: Kysely<Database>, query: DeliveryQuery, links: ResourceLinks): Promise<DeliveryView[]> {
  let rows = db.selectFrom('notification_deliveries').selectAll();
  if (query.subscriptionId !== undefined) rows = rows.where('subscription_id', '=', query.subscriptionId.toLowerCase());
  if (query.status !== undefined) rows = rows.where('status', '=', query.status);
  if (query.kind !== undefined) rows = rows.where('kind', '=', query.kind);
  const found = await rows
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(query.top ?? 1000, 1), 10_000))
    .execute();
  if (found.length === 0) return [];
  const ids = found.map((r) => Number(r.id));
  const attempts = new Map<number, DeliveryAttemptView[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = await db
      .selectFrom('notification_attempts')
      .selectAll()
      .where('delivery_id', 'in', ids.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const a of chunk) {
      const list = attempts.get(Number(a.delivery_id)) ?? [];
      list.push({
        attempt: a.attempt,
        at: a.at,
        statusCode: a.status_code,
        error: a.error,
        durationMs: a.duration_ms,
        batchSize: a.batch_size,
        outcome: a.outcome,
        instanceId: a.instance_id,
      });
      attempts.set(Number(a.delivery_id), list);
    }
  }
  // Rich notifications' plaintext is the change's data in the feed.
  const seqs = [...new Set(found.filter((r) => r.rich === 1 && r.change_seq !== null).map((r) => Number(r.change_seq)))];
  const plaintext = new Map<number, Record<string, unknown>>();
  for (let i = 0; i < seqs.length; i += 500) {
    const chunk = await db
      .selectFrom('change_feed')
      .select(['seq', 'data'])
      .where('seq', 'in', seqs.slice(i, i + 500))
      .execute();
    for (const row of chunk) if (row.data !== '') plaintext.set(Number(row.seq), notifiedData(parseObject(links.rebase(row.data))) as Record<string, unknown>);
  }
  // Artifacts' changes keep no copy of the resource: their rows derive it.
  const derived = await artifactChangeData(
    db,
    seqs.filter((seq) => !plaintext.has(seq)),
  );
  for (const [seq, data] of derived) plaintext.set(seq, parseObject(links.rebase(JSON.stringify(data))));
  const decrypted = (r: (typeof found)[number]): Record<string, unknown> | null => {
    if (r.rich !== 1) return null;
    if (r.resource_data !== null) return parseObject(r.resource_data);
    return r.change_seq === null ? null : (plaintext.get(Number(r.change_seq)) ?? null);
  };
  return found.map((r) => ({
    id: Number(r.id),
    subscriptionId: r.subscription_id,
    kind: r.kind,
    targetUrl: r.target_url,
    status: r.status,
    createdDateTime: r.created_at,
    dueDateTime: r.due_at,
    finishedDateTime: r.finished_at,
    lastError: r.last_error,
    payload: parseObject(r.payload),
    decryptedResourceData: decrypted(r),
    attempts: [
      ...(attempts.get(Number(r.id)) ?? []),
      ...(r.status === 'delivered'
        ? [
            {
              attempt: r.attempts,
              at: r.finished_at ?? r.due_at,
              statusCode: r.last_status_code,
              error: null,
              durationMs: r.last_duration_ms ?? 0,
              batchSize: r.last_batch_size ?? 1,
              outcome: 'delivered',
              instanceId: r.last_instance_id ?? '',
            },
          ]
        : []),
    ],
  }));
}
