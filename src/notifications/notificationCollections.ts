import type { DeliveryRow } from './deliveryQueue.js';

/**
 * POST bodies: Graph sends several notifications for one URL in one changeNotificationCollection,
 * with one validationToken per (app, tenant) among its rich items.
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data
 */

/** Rows that may share a POST: the same kind (change or lifecycle) for the same URL; in claim order. */
export function groupByTarget<T extends Pick<DeliveryRow, 'kind' | 'target_url'>>(rows: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = `${row.kind} ${row.target_url}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return [...groups.values()];
}

/** The changeNotificationCollection JSON for one POST; the items are stored already serialized. */
export async function collectionBody(
  batch: ReadonlyArray<Pick<DeliveryRow, 'payload' | 'rich' | 'app_id' | 'tenant_id'>>,
  validationToken: (appId: string, tenantId: string) => Promise<string>,
): Promise<string> {
  const pairs = new Map<string, { appId: string; tenantId: string }>();
  for (const row of batch) if (row.rich === 1) pairs.set(`${row.app_id}|${row.tenant_id}`, { appId: row.app_id, tenantId: row.tenant_id });
  const items = batch.map((row) => row.payload).join(',');
  if (pairs.size === 0) return `{"value":[${items}]}`;
  const tokens: string[] = [];
  for (const { appId, tenantId } of pairs.values()) tokens.push(await validationToken(appId, tenantId));
  return `{"value":[${items}],"validationTokens":${JSON.stringify(tokens)}}`;
}
