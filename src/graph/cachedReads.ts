import { isAppAllowedForUser } from '../domain/accessPolicies.js';
import { earliestMeetingEnd, findMeeting, type Meeting } from '../domain/meetings.js';
import { findUser, type User } from '../domain/users.js';
import type { GraphServices } from './graphServices.js';

// The reads every Graph request repeats, through the store's read cache (store/readCache.ts: any
// write, here or by another process on the same SQLite file, empties it; off on PostgreSQL).
// Results are frozen and shared: read them, never change them.

/** findUser: a user of the tenant by id or UPN. */
export const cachedUser = (services: GraphServices, tenantId: string, idOrUpn: string): Promise<Readonly<User> | undefined> =>
  services.store.reads.get(`user\u0000${tenantId}\u0000${idOrUpn}`, () => findUser(services.ctx, tenantId, idOrUpn));

/** findMeeting: a meeting by id. */
export const cachedMeeting = (services: GraphServices, meetingId: string): Promise<Readonly<Meeting> | undefined> =>
  services.store.reads.get(`meeting\u0000${meetingId}`, () => findMeeting(services.ctx, meetingId));

/** isAppAllowedForUser: the application access policy decision for this app and user. */
export const cachedAppAllowedForUser = (services: GraphServices, tenantId: string, clientId: string, userId: string): Promise<boolean> =>
  services.store.reads.get(`policy\u0000${tenantId}\u0000${clientId}\u0000${userId}`, () => isAppAllowedForUser(services.ctx, tenantId, clientId, userId));

/**
 * Whether some meeting may have ended before `instant` (ISO): compared here with the earliest meeting
 * end the cache keeps (a new meeting is a write, which empties it; time passing changes `instant`
 * only). Without a cache (PostgreSQL) true: the caller's query tests the meetings itself.
 */
export async function someMeetingMayHaveEndedBefore(services: GraphServices, instant: string): Promise<boolean> {
  if (!services.store.reads.enabled) return true;
  const earliest = await services.store.reads.get('earliestMeetingEnd', () => earliestMeetingEnd(services.ctx));
  return earliest !== undefined && earliest < instant;
}

/**
 * A response's entity serialized once until the store changes (JSON.stringify of `make()`). `key`
 * must name everything the entity depends on besides stored rows (ids, version, preferences), and
 * the entity must not depend on the clock: time passing is not a write, so nothing would drop it.
 */
export const cachedJson = (services: GraphServices, key: readonly string[], make: () => unknown): Promise<string> =>
  services.store.reads.get(`json\u0000${key.join('\u0000')}`, async () => JSON.stringify(make()));
