import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../domain/context.js';
import type { ClockTimer, ClockTimers } from '../runtime/wire.js';
import { errorSchema } from './schemas.js';
import type { AdminService } from './service.js';

/**
 * What falls due on the virtual clock (issue 14 §6, the Clock page's "next due timers"): the clock's
 * own timers (artifacts made available after a delay, the call-record retention sweep) and what the
 * store schedules by time — subscription expiries and reauthorizationRequired reminders
 * (https://learn.microsoft.com/graph/change-notifications-lifecycle-events), and notifications waiting
 * for their first attempt or a retry. Advancing the clock past a due time makes it happen.
 */

const str = { type: 'string' } as const;

export const clockTimerSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['subscriptionExpiry', 'reauthorizationRequired', 'notificationDelivery', 'notificationRetry', 'artifactsAvailable', 'callRecordRetention', 'scheduled'] },
    dueDateTime: { ...str, description: 'Virtual instant it falls due; a pending notification already due shows its due time in the past.' },
    description: str,
    subjectId: { type: ['string', 'null'], description: 'The subscription, delivery, meeting or ad hoc call it concerns.' },
  },
} as const;

const DEFAULT_TOP = 50;
const MAX_TOP = 1000;

export async function listClockTimers(ctx: DomainContext, top = DEFAULT_TOP): Promise<ClockTimers> {
  const now = ctx.clock.now().toISOString();
  const [subscriptions, deliveries] = await Promise.all([
    ctx.db
      .selectFrom('subscriptions')
      .select(['id', 'resource', 'expiration_date_time', 'next_lifecycle_at', 'lifecycle_notification_url'])
      .where('status', '=', 'active')
      .orderBy('expiration_date_time')
      .limit(top)
      .execute(),
    ctx.db.selectFrom('notification_deliveries').select(['id', 'kind', 'target_url', 'attempts', 'due_at']).where('status', '=', 'pending').orderBy('due_at').limit(top).execute(),
  ]);
  const timers: ClockTimer[] = [...ctx.clock.upcoming(top)];
  for (const s of subscriptions) {
    timers.push({ kind: 'subscriptionExpiry', dueDateTime: s.expiration_date_time, description: `Subscription to ${s.resource} expires and is removed.`, subjectId: s.id });
    // Reminders go to the lifecycle URL only; the same check also removes an expired subscription.
    if (s.next_lifecycle_at !== null && s.lifecycle_notification_url !== null && s.next_lifecycle_at < s.expiration_date_time) {
      timers.push({
        kind: 'reauthorizationRequired',
        dueDateTime: s.next_lifecycle_at,
        description: `reauthorizationRequired lifecycle notification for the subscription to ${s.resource}.`,
        subjectId: s.id,
      });
    }
  }
  for (const d of deliveries) {
    const retry = d.attempts > 0;
    timers.push({
      kind: retry ? 'notificationRetry' : 'notificationDelivery',
      dueDateTime: d.due_at,
      description: `${retry ? `Attempt ${d.attempts + 1} of` : 'First attempt of'} ${d.kind} notification #${d.id} to ${d.target_url}.`,
      subjectId: String(d.id),
    });
  }
  timers.sort((a, b) => (a.dueDateTime < b.dueDateTime ? -1 : a.dueDateTime > b.dueDateTime ? 1 : 0));
  return { now, value: timers.slice(0, top) };
}

export function registerClockTimerRoutes(app: FastifyInstance, admin: AdminService): void {
  app.get<{ Querystring: { top?: number } }>(
    '/_emulator/clock/timers',
    {
      schema: {
        tags: ['control'],
        description:
          'What falls due next on the virtual clock, soonest first: subscription expiries, reauthorizationRequired reminders, notifications waiting for a first attempt or a retry, artifacts made available after a delay, the call-record retention sweep.',
        querystring: { type: 'object', additionalProperties: false, properties: { top: { type: 'integer', minimum: 1, maximum: MAX_TOP, default: DEFAULT_TOP } } },
        response: { 200: { type: 'object', properties: { now: str, value: { type: 'array', items: clockTimerSchema } } }, 400: errorSchema },
      },
    },
    async (request) => admin.clockTimers(request.query),
  );
}
