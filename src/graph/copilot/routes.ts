import type { FastifyInstance } from 'fastify';
import { getAiInsight, listAiInsights } from './handlers.js';

/** Meeting AI insights (https://learn.microsoft.com/graph/api/resources/callaiinsight), v1.0 and beta, made from the meeting's transcripts. */
export function registerCopilotRoutes(app: FastifyInstance): void {
  app.get('/copilot/users/:userId/onlineMeetings/:meetingId/aiInsights', listAiInsights);
  app.get('/copilot/users/:userId/onlineMeetings/:meetingId/aiInsights/:insightId', getAiInsight);
}
