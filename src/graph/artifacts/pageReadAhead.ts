import { pageArtifactBytes, type ArtifactScope } from '../../domain/artifacts.js';
import type { DomainContext } from '../../domain/context.js';
import { EventLoopLoad } from '../../runtime/eventLoopLoad.js';
import type { ReadCache } from '../../store/readCache.js';

/** A getAll* page as pageArtifactBytes reads it. */
export type ArtifactPage = Awaited<ReturnType<typeof pageArtifactBytes>>;

type OrganizerScope = Extract<ArtifactScope, { by: 'organizer' }>;

/** The page a request names: its scope (organizer, kind, window, expiry cutoff), position, size and the root its links use. */
export const pageKey = (scope: OrganizerScope, afterSeq: number, limit: number, root: string): string => `getAllPage\u0000${JSON.stringify([scope, afterSeq, limit, root])}`;

// The process's event loop (shared by every emulator in it): nothing is read ahead while it is saturated.
const loop = new EventLoopLoad();
const loopSaturated = (): boolean => loop.check();

/**
 * A client paging through a getAll* round (a delta sync) asks for the page after this one next, and
 * spends a while taking this one in (1,000 items are 1.5 MB of JSON to receive and parse) before it
 * does: a SQLite store reads that page in the meantime, so the next request finds it read. Only for a
 * request that itself follows a link (the round's first page may be asked for again and again), where
 * another page follows, while the event loop has time to spare, and never twice for the same page.
 * The read is kept in the store's read cache (keepOnce): any write, or another process's commit,
 * forgets it, so a request is answered from the data as it is when it arrives, as without it; a
 * PostgreSQL store has no read cache (another instance may write unseen) and reads nothing ahead.
 */
export function readNextPageAhead(ctx: DomainContext, reads: ReadCache, scope: OrganizerScope, page: ArtifactPage, limit: number, root: string, saturated: () => boolean = loopSaturated): void {
  if (!page.more || page.lastSeq === undefined || !reads.enabled) return;
  const key = pageKey(scope, page.lastSeq, limit, root);
  if (reads.keepsOnce(key) || saturated()) return;
  const afterSeq = page.lastSeq;
  // After this turn: the response is written to the socket first.
  setImmediate(() => reads.keepOnce(key, () => pageArtifactBytes(ctx, scope, afterSeq, limit, root)));
}

/** The page readNextPageAhead read for this request, if it is still good; else it is read now. */
export async function readPage(ctx: DomainContext, reads: ReadCache, scope: OrganizerScope, afterSeq: number, limit: number, root: string): Promise<ArtifactPage> {
  const ahead = await reads.takeOnce<ArtifactPage>(pageKey(scope, afterSeq, limit, root));
  return ahead ?? pageArtifactBytes(ctx, scope, afterSeq, limit, root);
}
