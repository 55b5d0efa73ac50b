import type { FastifyInstance } from 'fastify';
import { calendarViewDelta, getEvent, listCalendarView, listEvents } from './handlers.js';

/**
 * The calendar (https://learn.microsoft.com/graph/api/resources/event): each online meeting is an
 * event on its organizer's and attendees' calendars (domain/calendar.ts). Read-only.
 */
export function registerEventRoutes(app: FastifyInstance): void {
  app.get('/me/events', listEvents);
  app.get('/me/events/:eventId', getEvent);
  app.get('/me/calendarView', listCalendarView);
  app.get('/me/calendarView/delta', calendarViewDelta);
  app.get('/users/:userId/events', listEvents);
  app.get('/users/:userId/events/:eventId', getEvent);
  app.get('/users/:userId/calendarView', listCalendarView);
  app.get('/users/:userId/calendarView/delta', calendarViewDelta);
}
