import { authenticate, type Config, type Database, type Logger, parseBearer, publishEvent, requireTenant } from '@acme/core';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem.ts';

/** `POST /v1/events`: the high-volume publish path, the same core operation as GraphQL's publishEvent. */
export function registerPublishEvent(app: FastifyInstance, config: Config, database: Database, logger: Logger): void {
  app.post<{ Body: Record<string, unknown> }>('/v1/events', async (request, reply) => {
    try {
      const token = parseBearer(request.headers.authorization);
      const { tenantId } = requireTenant(token ? await authenticate(database.db, config.adminApiKey, token) : null, 'publish');
      const body = request.body ?? {};
      const idempotencyKey = request.headers['idempotency-key'];
      const result = await publishEvent(database.db, config.limits, tenantId, {
        eventType: body.eventType as string,
        payload: body.payload,
        consumerId: body.consumerId as string | undefined,
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : (body.idempotencyKey as string | undefined),
      });
      return reply.code(202).send({ id: result.event.id, deliveryIds: result.deliveries.map((d) => d.id) });
    } catch (err) {
      return sendProblem(reply, err, logger);
    }
  });
}
