/** Byte ranges (RFC 9110) for artifact content: Graph's content routes and the control API's (the dashboard's <video>). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { StreamRef } from '../domain/artifacts.js';
import { GraphError } from './errors.js';

/** What streaming needs of the blob store (store/blobs.ts), which this layer does not import. */
export interface ReadableBlobs {
  has(key: string): Promise<boolean>;
  read(key: string, range?: { start: number; end: number }): Readable;
}

type ByteRange = { start: number; end: number };

const DIGITS = /^\d*$/;

/**
 * One `bytes=` range of a `size`-byte stream (RFC 9110, section 14.1.2): `start-end`, `start-`, `-suffix`.
 * `undefined` means "send it all" (no header, a header we do not understand, or several ranges, which a
 * server may ignore); 'unsatisfiable' means a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  // Split by hand: `^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$` backtracked quadratically over runs of spaces
  // (a 16 KB header of them took a quarter of a second, blocking every other request meanwhile).
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return undefined;
  const spec = header.slice(eq + 1);
  const dash = spec.indexOf('-');
  if (dash < 0) return undefined;
  const from = spec.slice(0, dash).trim();
  const to = spec.slice(dash + 1).trim();
  if (!DIGITS.test(from) || !DIGITS.test(to)) return undefined;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || (to !== '' && Number(to) < start)) return 'unsatisfiable';
  return { start, end };
}

/**
 * Stream an artifact's bytes with Graph's media type and length; `Range` gives 206 or 416, HEAD the
 * headers alone. The file is read in chunks as the socket drains, whatever its size.
 */
export async function sendStream(request: FastifyRequest, reply: FastifyReply, blobs: ReadableBlobs, ref: StreamRef, contentType: string): Promise<FastifyReply> {
  if (!(await blobs.has(ref.blobKey))) {
    throw new GraphError(404, 'itemNotFound', 'The content of this item is no longer available.');
  }
  const range = parseRange(request.headers.range, ref.size);
  if (range === 'unsatisfiable') {
    throw new GraphError(416, 'invalidRange', `The requested range is not satisfiable: the content is ${ref.size} bytes long.`, {
      headers: { 'Content-Range': `bytes */${ref.size}` },
    });
  }
  void reply.header('Accept-Ranges', 'bytes').type(contentType);
  const status = range === undefined ? 200 : 206;
  const length = range === undefined ? ref.size : range.end - range.start + 1;
  if (range !== undefined) void reply.header('Content-Range', `bytes ${range.start}-${range.end}/${ref.size}`);
  void reply.header('Content-Length', String(length)).code(status);
  if (request.method === 'HEAD') return reply.send();
  return reply.send(blobs.read(ref.blobKey, range));
}
