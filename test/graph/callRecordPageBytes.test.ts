import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePipeline } from '../../src/domain/changes.js';
import { createCallRecord, recordChildrenBytes, recordChildrenJson, type JsonObject } from '../../src/domain/callRecords.js';
import type { DomainContext } from '../../src/domain/context.js';
import { createTenant } from '../../src/domain/tenants.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import type { Store } from '../../src/store/database.js';
import { openLegStore } from '../support/emulator.js';

/**
 * The database writes a call record's pages of sessions (segments spliced in) and participants as
 * UTF-8 (recordChildrenBytes, on SQLite and PostgreSQL): each item must be exactly the text
 * recordChildrenJson makes for it, whatever the stored JSON holds (its length and substr count
 * characters, so characters of two, three and four bytes must not shift the splice).
 */

const unit = fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0001', '\u2028', 'ü', '日', '🎙', '}', '{', ','), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }));
const text = fc.string({ unit, maxLength: 10 });
const segment = fc.record({ id: text, startDateTime: text, media: fc.array(fc.record({ label: text }), { maxLength: 2 }) });
// A session may be no more than its id (the shortest body, `{"id":"…"}`) and have no segments.
const session = fc.record({ id: text, caller: fc.option(fc.record({ name: text }), { nil: undefined }), segments: fc.array(segment, { maxLength: 3 }) }, { requiredKeys: ['id', 'segments'] });
const participant = fc.record({ id: text, displayName: fc.option(text, { nil: null }) });

let store: Store;
let ctx: DomainContext;
let tenantId: string;
let n = 0;

beforeAll(async () => {
  store = await openLegStore();
  ctx = { db: store.db, dialect: store.dialect, clock: new VirtualClock(), changes: new ChangePipeline() };
  tenantId = (await createTenant(ctx, { displayName: 'Contoso' })).id;
});

afterAll(async () => {
  ctx.clock.close();
  await store.dropSchema();
  await store.close();
});

/** A record holding these sessions and participants (ids made distinct). */
async function record(sessions: readonly JsonObject[], participants: readonly JsonObject[]): Promise<string> {
  const id = `record-${++n}`;
  await createCallRecord(ctx, {
    id,
    tenantId,
    type: 'groupCall',
    modalities: ['audio'],
    startDateTime: '2026-01-01T00:00:00.000Z',
    endDateTime: '2026-01-01T01:00:00.000Z',
    organizerV2: null,
    sessions: sessions.map((s, i) => ({ ...s, id: `${String(s['id'])}#${i}` })),
    participants: participants.map((p, i) => ({ ...p, id: `${String(p['id'])}#${i}` })),
  });
  return id;
}

const decoded = (items: readonly Uint8Array[]): string[] => items.map((item) => Buffer.from(item).toString('utf8'));

describe('recordChildrenBytes', () => {
  it('pages sessions (with and without segments) and participants exactly as recordChildrenJson', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(session, { maxLength: 6 }),
        fc.array(participant, { maxLength: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (sessions, participants, offset, limit) => {
          const id = await record(sessions, participants);
          for (const [kind, segments] of [
            ['sessions', true],
            ['sessions', false],
            ['participants', false],
          ] as const) {
            const bytes = await recordChildrenBytes(ctx, id, kind, offset, limit, segments);
            const json = await recordChildrenJson(ctx, id, kind, offset, limit, segments);
            expect({ items: decoded(bytes.items), more: bytes.more }).toEqual(json);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives an empty page past the last row and for an unknown record', async () => {
    const id = await record([{ id: 's', segments: [] }], [{ id: 'p' }]);
    expect(await recordChildrenBytes(ctx, id, 'sessions', 1, 60, true)).toEqual({ items: [], more: false });
    expect(await recordChildrenBytes(ctx, 'no-such-record', 'participants', 0, 130)).toEqual({ items: [], more: false });
  });
});
