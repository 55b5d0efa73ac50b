import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRowJsonBytes, instantsAreIsoMillis } from '../../src/domain/artifactPageBytes.js';
import { artifactPageValueJson, meetingOrganizerJson, type ArtifactKind, type ArtifactView } from '../../src/domain/artifactResource.js';
import { pageArtifactBytes, pageArtifactJson, PAGE_ROOM_AFTER, PAGE_ROOM_BEFORE, type ArtifactScope, type PageItemBytes } from '../../src/domain/artifacts.js';
import { ChangePipeline } from '../../src/domain/changes.js';
import type { DomainContext } from '../../src/domain/context.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import type { ArtifactTable } from '../../src/store/schema.js';
import { openLegStore } from '../support/emulator.js';

/**
 * The database writes a getAll* page's rows (artifactRowJsonBytes, on SQLite and PostgreSQL): the
 * bytes must be exactly the text the JS writer (artifactPageValueJson) makes for the same rows,
 * whatever the ids hold, and a page with an instant the SQL does not handle must still come out the same.
 */

// Characters the escaping must get right, next to ordinary ones; the stores hold no NUL or lone surrogate.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0001', '\u001f', '\u007f', '\u2028', 'ü', '🎙', '/', "'", '%'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit, maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const isoInstant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
// Mostly Date#toISOString's form (the SQL path); sometimes another (the JS path for the whole page).
const instant = fc.oneof({ weight: 8, arbitrary: isoInstant }, { weight: 1, arbitrary: fc.constant('2025-10-07T07:25:21Z') }, { weight: 1, arbitrary: text });
const row = fc.record({
  id: text,
  meetingId: fc.option(text, { nil: null }),
  adhocCallId: fc.option(text, { nil: null }),
  callId: text,
  contentCorrelationId: text,
  createdDateTime: instant,
  endDateTime: instant,
});

const TENANT = 'tenant-"1"';
const ROOTS = ['https://graph.microsoft.com/v1.0', 'https://127.0.0.1:8443/v1.0', 'https://h"st/v1.0'];

let store: Store;
let ctx: DomainContext;
let seq = 0;

beforeAll(async () => {
  store = await openLegStore();
  ctx = { db: store.db, dialect: store.dialect, clock: new VirtualClock(), changes: new ChangePipeline() };
});

afterAll(async () => {
  ctx.clock.close();
  await store.dropSchema();
  await store.close();
});

type Row = Omit<ArtifactView, 'kind' | 'tenantId' | 'organizerId'>;

/** Store the rows (distinct ids, feed order as given) for `organizerId`; returns their views. */
async function insert(kind: ArtifactKind, organizerId: string, rows: readonly Row[]): Promise<ArtifactView[]> {
  const views = rows.map((r, i): ArtifactView => ({ ...r, id: `${r.id}#${seq + i}`, kind, tenantId: TENANT, organizerId }));
  const records = views.map((v): ArtifactTable => ({
    id: v.id,
    kind,
    tenant_id: TENANT,
    organizer_id: organizerId,
    meeting_id: v.meetingId,
    adhoc_call_id: v.adhocCallId,
    call_id: v.callId,
    content_correlation_id: v.contentCorrelationId,
    created_at: v.createdDateTime,
    end_at: v.endDateTime,
    feed_seq: ++seq,
    content_blob: 'blob',
    content_type: 'video/mp4',
    content_size: 1,
    metadata_blob: null,
    metadata_size: null,
    resource_json: '',
    recording_kind: null,
  }));
  if (records.length > 0) await store.dialect.insertMany(store.db, 'artifacts', records);
  return views;
}

const scopeOf = (kind: ArtifactKind, organizerId: string, adhoc: boolean): Extract<ArtifactScope, { by: 'organizer' }> => ({
  by: 'organizer',
  kind,
  tenantId: TENANT,
  organizerId,
  start: null,
  end: null,
  adhoc,
  meetingsEndedSince: '2000-01-01T00:00:00.000Z',
});

/** The items' text, after checking the room around them is there. */
const joined = (items: PageItemBytes): string => {
  expect(items.start).toBeGreaterThanOrEqual(PAGE_ROOM_BEFORE);
  expect(items.bytes.length - items.end).toBeGreaterThanOrEqual(PAGE_ROOM_AFTER);
  return items.bytes.subarray(items.start, items.end).toString('utf8');
};

describe('artifactRowJsonBytes', () => {
  it("writes each row's JSON as artifactPageValueJson does, escaping as JSON.stringify", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<ArtifactKind>('recording', 'transcript'), text, fc.array(row, { maxLength: 6 }), fc.constantFrom(...ROOTS), async (kind, organizer, rows, root) => {
        const organizerId = `org-${seq}-${organizer}`;
        const views = await insert(kind, organizerId, rows);
        const organizerJson = meetingOrganizerJson(organizerId, TENANT);
        const read = await store.db
          .selectFrom('artifacts')
          .select(['id', 'created_at', 'end_at', artifactRowJsonBytes(store.dialect.jsonText, kind, root, organizerId, organizerJson).as('json')])
          .where('organizer_id', '=', organizerId)
          .orderBy('feed_seq')
          .execute();
        expect(read).toHaveLength(views.length);
        read.forEach((r, i) => {
          const view = views[i]!;
          const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
          const isoBoth = iso.test(view.createdDateTime) && iso.test(view.endDateTime);
          // Other instants are the JS path's (graphDateTime): the page's check sends them there.
          expect(instantsAreIsoMillis(`${r.created_at},${r.end_at}`, 1)).toBe(isoBoth);
          if (isoBoth) expect(Buffer.from(r.json).toString('utf8')).toBe(artifactPageValueJson([view], kind, root, organizerJson));
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('pageArtifactBytes', () => {
  it('pages exactly as pageArtifactJson: same text, count, position and more, on the SQL and the JS path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ArtifactKind>('recording', 'transcript'),
        fc.boolean(),
        fc.array(row, { maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...ROOTS),
        async (kind, adhoc, rows, limit, root) => {
          const organizerId = `org-page-${seq}`;
          // The scope's meeting_id IS (NOT) NULL test: give each row the owner the scope lists.
          await insert(
            kind,
            organizerId,
            rows.map((r) => ({ ...r, meetingId: adhoc ? null : (r.meetingId ?? 'm') })),
          );
          const scope = scopeOf(kind, organizerId, adhoc);
          let after = 0;
          for (let guard = 0; guard < 20; guard++) {
            const bytes = await pageArtifactBytes(ctx, scope, after, limit, root);
            const json = await pageArtifactJson(ctx, scope, after, limit, root);
            expect(joined(bytes.items)).toBe(json.valueJson);
            expect({ count: bytes.count, lastSeq: bytes.lastSeq, more: bytes.more }).toEqual({ count: json.count, lastSeq: json.lastSeq, more: json.more });
            if (!json.more) break;
            after = json.lastSeq!;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('joins a full-size page (1,000 rows) in feed order, the same text as pageArtifactJson', async () => {
    const organizerId = `org-large-${seq}`;
    // Ids that sort against the feed order, so a join in any other order shows.
    const rows = Array.from({ length: 2_500 }, (_, i): Row => ({
      id: `rec-${String(9_999 - i).padStart(4, '0')}`,
      meetingId: `m-${i % 7}`,
      adhocCallId: null,
      callId: `call-${i}`,
      contentCorrelationId: `cc-${i}`,
      createdDateTime: new Date(Date.UTC(2025, 0, 1) + i * 1_000).toISOString(),
      endDateTime: new Date(Date.UTC(2025, 0, 1) + i * 1_000 + 60_000).toISOString(),
    }));
    await insert('recording', organizerId, rows);
    const scope = scopeOf('recording', organizerId, false);
    let after = 0;
    const counts: number[] = [];
    for (let guard = 0; guard < 5; guard++) {
      const bytes = await pageArtifactBytes(ctx, scope, after, 1_000, ROOTS[1]!);
      const json = await pageArtifactJson(ctx, scope, after, 1_000, ROOTS[1]!);
      expect(joined(bytes.items)).toBe(json.valueJson);
      expect({ count: bytes.count, lastSeq: bytes.lastSeq, more: bytes.more }).toEqual({ count: json.count, lastSeq: json.lastSeq, more: json.more });
      counts.push(bytes.count);
      if (!bytes.more) break;
      after = bytes.lastSeq!;
    }
    expect(counts).toEqual([1_000, 1_000, 500]);
  });

  it('gives an empty page (no bytes) past the last row', async () => {
    const organizerId = `org-empty-${seq}`;
    const page = await pageArtifactBytes(ctx, scopeOf('recording', organizerId, false), 0, 10, ROOTS[0]!);
    expect({ count: page.count, lastSeq: page.lastSeq, more: page.more }).toEqual({ count: 0, lastSeq: undefined, more: false });
    expect(joined(page.items)).toBe('');
  });
});

describe('instantsAreIsoMillis', () => {
  const a = '2025-10-07T07:25:21.973Z';
  const b = '2025-10-07T08:25:21.973Z';
  it('passes rows whose instants are all Date#toISOString form, in any order', () => {
    expect(instantsAreIsoMillis(`${a},${b}`, 1)).toBe(true);
    expect(instantsAreIsoMillis(`${b},${a},${a},${a}`, 2)).toBe(true);
  });

  it('fails any other form, and an instant with a comma that reads as two', () => {
    expect(instantsAreIsoMillis(`2025-10-07T07:25:21Z,${b}`, 1)).toBe(false);
    expect(instantsAreIsoMillis(`${a},${b.replace('8', '٨')}`, 1)).toBe(false);
    // One row whose created_at is "a,b" and end_at is "a": three ISO instants for one row.
    expect(instantsAreIsoMillis(`${a},${b},${a}`, 1)).toBe(false);
    // Two rows, created_at "a,b" and "a", end_at "b" and "" (empty): four pieces, one of them empty.
    expect(instantsAreIsoMillis(`${a},${b},${b},${a},`, 2)).toBe(false);
  });
});
