import type { PageItemBytes } from '../../domain/artifacts.js';

const CLOSE = ']}';

/**
 * A getAll* page's body: `front` (the envelope up to and including `"value":[`), the items, `]}`.
 * Written into the room the items came with when the envelope fits (it does but for a head longer
 * than PAGE_ROOM_BEFORE), so the body is the items' own Buffer: copying a page of 1,000 items (1.5 MB)
 * into a new one cost a copy and a large allocation per page, and repeated full collections.
 * The items' room is overwritten: call this once per PageItemBytes.
 */
export function pageBody(front: string, items: PageItemBytes): Buffer {
  const { bytes, start, end } = items;
  const frontLength = Buffer.byteLength(front);
  if (frontLength <= start && end + CLOSE.length <= bytes.length) {
    bytes.write(front, start - frontLength);
    bytes.write(CLOSE, end);
    return bytes.subarray(start - frontLength, end + CLOSE.length);
  }
  const head = Buffer.from(front);
  return Buffer.concat([head, bytes.subarray(start, end), Buffer.from(CLOSE)], frontLength + (end - start) + CLOSE.length);
}
