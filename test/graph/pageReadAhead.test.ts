import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactView } from '../../src/domain/artifactResource.js';
import { pageArtifactBytes, type ArtifactScope } from '../../src/domain/artifacts.js';
import { ChangePipeline } from '../../src/domain/changes.js';
import type { DomainContext } from '../../src/domain/context.js';
import { pageKey, readNextPageAhead, readPage, type ArtifactPage } from '../../src/graph/artifacts/pageReadAhead.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import { artifactRow } from '../support/artifactRows.js';
import { openLegStore } from '../support/emulator.js';

/**
 * A getAll* request that follows a link reads the round's next page ahead (graph/artifacts/pageReadAhead.ts),
 * into the store's read cache: the next request gets it, and only while the data has not changed.
 */

const ROOT = 'https://127.0.0.1:8443/v1.0';
let store: Store;
let ctx: DomainContext;
let feedSeq = 0;

beforeAll(async () => {
  store = await openLegStore();
  ctx = { db: store.db, dialect: store.dialect, clock: new VirtualClock(), changes: new ChangePipeline() };
});

afterAll(async () => {
  ctx.clock.close();
  await store.dropSchema();
  await store.close();
});

const scopeOf = (organizerId: string): Extract<ArtifactScope, { by: 'organizer' }> => ({ by: 'organizer', kind: 'recording', tenantId: 't', organizerId, start: null, end: null, adhoc: false });

async function addRecordings(organizerId: string, n: number): Promise<void> {
  const views = Array.from({ length: n }, (_, i): ArtifactView => {
    const at = new Date(Date.UTC(2025, 0, 1) + (feedSeq + i) * 60_000).toISOString();
    return {
      id: `rec-${feedSeq + i}`,
      kind: 'recording',
      tenantId: 't',
      organizerId,
      meetingId: 'm',
      adhocCallId: null,
      callId: 'c',
      contentCorrelationId: 'cc',
      createdDateTime: at,
      endDateTime: at,
    };
  });
  await store.dialect.insertMany(
    store.db,
    'artifacts',
    views.map((v) => artifactRow(v, ++feedSeq)),
  );
}

/** What the page holds, to compare two reads of it. */
const summary = (page: ArtifactPage | undefined) =>
  page === undefined ? undefined : { text: page.items.bytes.subarray(page.items.start, page.items.end).toString('utf8'), count: page.count, lastSeq: page.lastSeq, more: page.more };

/** Page 1, then read page 2 ahead as a request that followed a link would (the event loop as `saturated` says); returns page 1. */
async function firstPageAndReadAhead(organizerId: string, limit: number, saturated = false): Promise<ArtifactPage> {
  const first = await readPage(ctx, store.reads, scopeOf(organizerId), 0, limit, ROOT);
  readNextPageAhead(ctx, store.reads, scopeOf(organizerId), first, limit, ROOT, () => saturated);
  await new Promise((resolve) => setImmediate(resolve));
  return first;
}

describe('reading the next getAll* page ahead', () => {
  it('on SQLite, keeps the next page for the request that asks for it, exactly as read then; on PostgreSQL reads nothing ahead', async () => {
    await addRecordings('org-ahead', 5);
    const first = await firstPageAndReadAhead('org-ahead', 2);
    const key = pageKey(scopeOf('org-ahead'), first.lastSeq!, 2, ROOT);
    if (store.kind === 'postgres') {
      expect(store.reads.keepsOnce(key)).toBe(false);
      return;
    }
    expect(store.reads.keepsOnce(key)).toBe(true);
    const fresh = await pageArtifactBytes(ctx, scopeOf('org-ahead'), first.lastSeq!, 2, ROOT);
    expect(summary(await store.reads.takeOnce<ArtifactPage>(key))).toEqual(summary(fresh));
    // Taken once: the next request for it reads it again.
    expect(store.reads.keepsOnce(key)).toBe(false);
  });

  it('forgets the page read ahead when a row is written, and the request reads the rows as they are then', async () => {
    await addRecordings('org-write', 3);
    const first = await firstPageAndReadAhead('org-write', 2);
    await addRecordings('org-write', 1);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-write'), first.lastSeq!, 2, ROOT))).toBe(false);
    const second = await readPage(ctx, store.reads, scopeOf('org-write'), first.lastSeq!, 2, ROOT);
    expect(second.count).toBe(2);
    expect(summary(second)).toEqual(summary(await pageArtifactBytes(ctx, scopeOf('org-write'), first.lastSeq!, 2, ROOT)));
  });

  it('reads nothing ahead after the last page, nor for another page size or root than asked', async () => {
    await addRecordings('org-last', 2);
    const only = await firstPageAndReadAhead('org-last', 5);
    expect(only.more).toBe(false);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-last'), only.lastSeq!, 5, ROOT))).toBe(false);
    await addRecordings('org-more', 4);
    const first = await firstPageAndReadAhead('org-more', 2);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-more'), first.lastSeq!, 3, ROOT))).toBe(false);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-more'), first.lastSeq!, 2, 'https://graph.microsoft.com/v1.0'))).toBe(false);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-more'), first.lastSeq!, 2, ROOT))).toBe(store.kind === 'sqlite');
  });

  it('reads nothing ahead while the event loop is saturated', async () => {
    await addRecordings('org-busy', 4);
    const first = await firstPageAndReadAhead('org-busy', 2, true);
    expect(first.more).toBe(true);
    expect(store.reads.keepsOnce(pageKey(scopeOf('org-busy'), first.lastSeq!, 2, ROOT))).toBe(false);
  });
});
