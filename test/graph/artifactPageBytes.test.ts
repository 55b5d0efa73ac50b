import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISO_MILLIS_PATTERN, type ArtifactKind, type ArtifactView } from '../../src/domain/artifactResource.js';
import { pageArtifactBytes, pageArtifactJson, PAGE_ROOM_AFTER, PAGE_ROOM_BEFORE, type ArtifactScope, type PageItemBytes } from '../../src/domain/artifacts.js';
import { ChangePipeline } from '../../src/domain/changes.js';
import type { DomainContext } from '../../src/domain/context.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import { ARTIFACT_JSON_ESCAPES_KEY } from '../../src/store/migrations/017_artifact_json_escapes.js';
import { artifactRow } from '../support/artifactRows.js';
import { openLegStore } from '../support/emulator.js';

/**
 * The database writes a getAll* page's rows (artifactRowJsonText, on SQLite and PostgreSQL) with
 * their strings as they are: the bytes must be exactly the text the JS writer (artifactPageValueJson)
 * makes for the same rows wherever the store promises no row needs an escape, and migration 017's
 * triggers must note every row that does (or has another form of instant), so that such a store's
 * pages still come out the same, from JS.
 */

// Characters that need no escape in JSON, among them ones that look as if they might.
const plainUnit = fc.oneof(
  fc.constantFrom('\u007f', '\u2028', 'ü', '🎙', '/', "'", '%', '{', '}', ',', ':'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }).filter((c) => c !== '"' && c !== '\\'),
);
// And the characters the escaping must get right; the stores hold no NUL or lone surrogate.
const anyUnit = fc.oneof(fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0001', '\u001f'), plainUnit);
const plainText = fc.string({ unit: plainUnit, maxLength: 12 });
const anyText = fc.string({ unit: anyUnit, maxLength: 12 });
const isoInstant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const anyInstant = fc.oneof(
  { weight: 6, arbitrary: isoInstant },
  { weight: 1, arbitrary: fc.constant('2025-10-07T07:25:21Z') },
  { weight: 1, arbitrary: isoInstant.map((i) => i.replace('1', '١')) },
  { weight: 1, arbitrary: anyText },
);
const rowOf = (text: fc.Arbitrary<string>, instant: fc.Arbitrary<string>) =>
  fc.record({
    id: text,
    meetingId: fc.option(text, { nil: null }),
    adhocCallId: fc.option(text, { nil: null }),
    callId: text,
    contentCorrelationId: text,
    createdDateTime: instant,
    endDateTime: instant,
  });
// Rows the emulator could write: the SQL path's.
const plainRow = rowOf(plainText, isoInstant);
// Any row: mostly plain, sometimes one with an escape or another instant.
const anyRow = rowOf(fc.oneof({ weight: 3, arbitrary: plainText }, { weight: 1, arbitrary: anyText }), anyInstant);

/** The promise migration 017's triggers test, in JS: no string needs an escape, every instant is Date#toISOString's form. */
const ISO_MILLIS = new RegExp(`^${ISO_MILLIS_PATTERN}$`);
const breaksPromise = (r: Row): boolean =>
  [r.id, r.meetingId, r.adhocCallId, r.callId, r.contentCorrelationId].some((t) => t !== null && /["\\\u0000-\u001f]/.test(t)) ||
  !ISO_MILLIS.test(r.createdDateTime) ||
  !ISO_MILLIS.test(r.endDateTime);

// The root is the request's (its Host header): its characters are escaped in JS, whatever they are.
const TENANT = 'tenant-"1"';
const ROOTS = ['https://graph.microsoft.com/v1.0', 'https://127.0.0.1:8443/v1.0', 'https://h"st\\/v1.0'];

/** Two stores: one holding only rows that keep the promise (pages from the database), one with rows that break it. */
let plain: DomainContext & { store: Store };
let escaped: DomainContext & { store: Store };
let seq = 0;

async function openContext(): Promise<DomainContext & { store: Store }> {
  const store = await openLegStore();
  return { store, db: store.db, dialect: store.dialect, clock: new VirtualClock(), changes: new ChangePipeline() };
}

beforeAll(async () => {
  plain = await openContext();
  escaped = await openContext();
});

afterAll(async () => {
  for (const ctx of [plain, escaped]) {
    ctx.clock.close();
    await ctx.store.dropSchema();
    await ctx.store.close();
  }
});

type Row = Omit<ArtifactView, 'kind' | 'tenantId' | 'organizerId'>;

/** Store the rows (distinct ids, feed order as given) for `organizerId`; returns their views. */
async function insert(ctx: DomainContext, kind: ArtifactKind, organizerId: string, rows: readonly Row[]): Promise<ArtifactView[]> {
  const views = rows.map((r, i): ArtifactView => ({ ...r, id: `${r.id}#${seq + i}`, kind, tenantId: TENANT, organizerId }));
  const records = views.map((v) => artifactRow(v, ++seq));
  if (records.length > 0) await ctx.dialect.insertMany(ctx.db, 'artifacts', records);
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

/** Whether the store holds migration 017's note. */
const noted = async (ctx: DomainContext): Promise<boolean> => (await ctx.db.selectFrom('settings').select('value').where('key', '=', ARTIFACT_JSON_ESCAPES_KEY).executeTakeFirst()) !== undefined;
const forgetNote = async (ctx: DomainContext): Promise<void> => void (await ctx.db.deleteFrom('settings').where('key', '=', ARTIFACT_JSON_ESCAPES_KEY).execute());

/** Page through the scope with both writers; every page must match, and come from `writer`. */
async function pagesMatch(ctx: DomainContext, scope: Extract<ArtifactScope, { by: 'organizer' }>, limit: number, root: string, writer: 'database' | 'js'): Promise<number[]> {
  let after = 0;
  const counts: number[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const bytes = await pageArtifactBytes(ctx, scope, after, limit, root);
    const json = await pageArtifactJson(ctx, scope, after, limit, root);
    expect(joined(bytes.items)).toBe(json.valueJson);
    expect({ count: bytes.count, lastSeq: bytes.lastSeq, more: bytes.more }).toEqual({ count: json.count, lastSeq: json.lastSeq, more: json.more });
    if (bytes.count > 0) expect(bytes.writer).toBe(writer);
    counts.push(bytes.count);
    if (!json.more) break;
    after = json.lastSeq!;
  }
  return counts;
}

/** The scope's meeting_id IS (NOT) NULL test: give each row the owner the scope lists. */
const ownedBy = (rows: readonly Row[], adhoc: boolean): Row[] => rows.map((r) => ({ ...r, meetingId: adhoc ? null : (r.meetingId ?? 'm') }));

describe('pageArtifactBytes', () => {
  it('pages rows that need no escape from the database, exactly as pageArtifactJson: same text, count, position and more', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ArtifactKind>('recording', 'transcript'),
        fc.boolean(),
        fc.array(plainRow, { maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...ROOTS),
        anyText,
        async (kind, adhoc, rows, limit, root, organizer) => {
          // The organizer's id is the request's (it is in the URL): any characters.
          const organizerId = `org-page-${seq}-${organizer}`;
          await insert(plain, kind, organizerId, ownedBy(rows, adhoc));
          await pagesMatch(plain, scopeOf(kind, organizerId, adhoc), limit, root, 'database');
        },
      ),
      { numRuns: 100 },
    );
    expect(await noted(plain)).toBe(false);
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
    await insert(plain, 'recording', organizerId, rows);
    expect(await pagesMatch(plain, scopeOf('recording', organizerId, false), 1_000, ROOTS[1]!, 'database')).toEqual([1_000, 1_000, 500]);
  });

  it('gives an empty page (no bytes) past the last row', async () => {
    const organizerId = `org-empty-${seq}`;
    const page = await pageArtifactBytes(plain, scopeOf('recording', organizerId, false), 0, 10, ROOTS[0]!);
    expect({ count: page.count, lastSeq: page.lastSeq, more: page.more }).toEqual({ count: 0, lastSeq: undefined, more: false });
    expect(joined(page.items)).toBe('');
  });
});

describe('migration 017: rows that need escapes', () => {
  it('notes exactly the inserted rows whose strings need an escape or whose instants are of another form', async () => {
    await fc.assert(
      fc.asyncProperty(anyRow, fc.boolean(), async (row, adhoc) => {
        await forgetNote(escaped);
        await insert(escaped, 'recording', `org-note-${seq}`, ownedBy([row], adhoc));
        expect(await noted(escaped)).toBe(breaksPromise(ownedBy([row], adhoc)[0]!));
      }),
      { numRuns: 300 },
    );
  });

  it('notes an update that makes a row need an escape, and not one that leaves it plain', async () => {
    const organizerId = `org-update-${seq}`;
    const [view] = await insert(escaped, 'recording', organizerId, [
      { id: 'r', meetingId: 'm', adhocCallId: null, callId: 'c', contentCorrelationId: 'cc', createdDateTime: '2025-01-01T00:00:00.000Z', endDateTime: '2025-01-01T01:00:00.000Z' },
    ]);
    await forgetNote(escaped);
    await escaped.db.updateTable('artifacts').set({ content_blob: 'other', call_id: 'c2' }).where('id', '=', view!.id).execute();
    expect(await noted(escaped)).toBe(false);
    await escaped.db.updateTable('artifacts').set({ content_correlation_id: 'a"b' }).where('id', '=', view!.id).execute();
    expect(await noted(escaped)).toBe(true);
    await forgetNote(escaped);
    await escaped.db.updateTable('artifacts').set({ end_at: '2025-01-01T01:00:00Z' }).where('id', '=', view!.id).execute();
    expect(await noted(escaped)).toBe(true);
  });

  it('pages a store with such rows from JS, the same text as pageArtifactJson', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ArtifactKind>('recording', 'transcript'),
        fc.boolean(),
        fc.array(anyRow, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...ROOTS),
        async (kind, adhoc, rows, limit, root) => {
          const organizerId = `org-escaped-${seq}`;
          const owned = ownedBy(rows, adhoc);
          // A row that needs escapes leads, so the store holds one from the first page on.
          await insert(escaped, kind, organizerId, [{ ...owned[0]!, callId: 'call "quoted"' }, ...owned.slice(1)]);
          await pagesMatch(escaped, scopeOf(kind, organizerId, adhoc), limit, root, 'js');
        },
      ),
      { numRuns: 60 },
    );
  });
});
