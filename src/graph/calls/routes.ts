import type { FastifyInstance } from 'fastify';
import { getCall, getCallOperation, updateCallRecordingStatus } from './handlers.js';

/** Calls an app is in: application-only (https://learn.microsoft.com/graph/api/call-updaterecordingstatus). */
export function registerCallRoutes(app: FastifyInstance): void {
  app.get('/communications/calls/:callId', getCall);
  app.post('/communications/calls/:callId/updateRecordingStatus', updateCallRecordingStatus);
  app.get('/communications/calls/:callId/operations/:operationId', getCallOperation);
}
