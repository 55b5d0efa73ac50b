import type { FastifyInstance } from 'fastify';
import { notEmulated } from '../notEmulated.js';
import { createOnlineMeeting, createOrGetOnlineMeeting, getOnlineMeeting, listCommunicationsOnlineMeetings, listOnlineMeetings } from './handlers.js';

/**
 * Online meetings (https://learn.microsoft.com/graph/resources/onlinemeeting). Graph also updates and
 * deletes them; the emulator does not (yet), and says so rather than answering 405.
 */
export function registerOnlineMeetingRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings', listOnlineMeetings);
  app.post('/me/onlineMeetings', createOnlineMeeting);
  app.post('/me/onlineMeetings/createOrGet', createOrGetOnlineMeeting);
  app.get('/me/onlineMeetings/:meetingId', getOnlineMeeting);
  app.patch('/me/onlineMeetings/:meetingId', notEmulated);
  app.delete('/me/onlineMeetings/:meetingId', notEmulated);
  app.get('/users/:userId/onlineMeetings', listOnlineMeetings);
  app.post('/users/:userId/onlineMeetings', createOnlineMeeting);
  app.post('/users/:userId/onlineMeetings/createOrGet', createOrGetOnlineMeeting);
  app.get('/users/:userId/onlineMeetings/:meetingId', getOnlineMeeting);
  app.patch('/users/:userId/onlineMeetings/:meetingId', notEmulated);
  app.delete('/users/:userId/onlineMeetings/:meetingId', notEmulated);
  app.get('/communications/onlineMeetings', listCommunicationsOnlineMeetings);
}
