import { describe, expect, it } from 'vitest';
import { PAGE_ROOM_BEFORE, withRoom } from '../../src/domain/artifacts.js';
import { pageBody } from '../../src/graph/artifacts/pageBody.js';

/** A getAll* page body is the envelope, the items and `]}`, written into the items' own Buffer when the envelope fits. */
describe('pageBody', () => {
  const items = '{"id":"a"},{"id":"ü"}';

  it("writes the envelope into the items' room: the body is their Buffer, not a copy", () => {
    const page = withRoom(items);
    const front = '{"@odata.context":"https://h/v1.0/$metadata#x","@odata.nextLink":"https://h/ü?skipToken=t","value":[';
    const body = pageBody(front, page);
    expect(body.toString('utf8')).toBe(`${front}${items}]}`);
    expect(body.buffer).toBe(page.bytes.buffer);
    expect(body.byteOffset).toBe(page.bytes.byteOffset + page.start - Buffer.byteLength(front));
  });

  it('copies into a new Buffer when the envelope is longer than the room', () => {
    const page = withRoom(items);
    const front = `{"@odata.nextLink":"${'x'.repeat(PAGE_ROOM_BEFORE)}","value":[`;
    const body = pageBody(front, page);
    expect(body.toString('utf8')).toBe(`${front}${items}]}`);
    // Small Buffers share Node's pool, so the copy may sit in the same ArrayBuffer: it must not overlap the items' bytes.
    const overlaps = body.buffer === page.bytes.buffer && body.byteOffset < page.bytes.byteOffset + page.bytes.length && page.bytes.byteOffset < body.byteOffset + body.length;
    expect(overlaps).toBe(false);
  });

  it('writes an empty page', () => {
    expect(JSON.parse(pageBody('{"value":[', withRoom('')).toString('utf8'))).toEqual({ value: [] });
  });
});
