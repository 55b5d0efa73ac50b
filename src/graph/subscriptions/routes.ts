import type { FastifyInstance } from 'fastify';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, reauthorizeSubscription, updateSubscription } from './handlers.js';

/** Change-notification subscriptions (https://learn.microsoft.com/graph/api/resources/subscription). */
export function registerSubscriptionRoutes(app: FastifyInstance): void {
  app.post('/subscriptions', createSubscription);
  app.get('/subscriptions', listSubscriptions);
  app.get('/subscriptions/:subscriptionId', getSubscription);
  app.patch('/subscriptions/:subscriptionId', updateSubscription);
  app.delete('/subscriptions/:subscriptionId', deleteSubscription);
  app.post('/subscriptions/:subscriptionId/reauthorize', reauthorizeSubscription);
  app.post('/subscriptions/:subscriptionId/microsoft.graph.reauthorize', reauthorizeSubscription);
}
