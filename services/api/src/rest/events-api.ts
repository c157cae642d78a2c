import {
  authenticate,
  type Config,
  type Database,
  deliveriesOfEvents,
  getEvent,
  type Logger,
  MAX_NESTED_LIST,
  NotFoundError,
  nestedSlice,
  type Principal,
  type PublishEventInput,
  type PublishSettings,
  parseBearer,
  publishEvent,
  publishEvents,
  requireTenant,
  UnauthenticatedError,
} from '@acme/core';
import { openapiPath } from '@acme/schema/openapi';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { sendProblem } from './problem.ts';

type PublishBody = PublishEventInput & { idempotencyKey?: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearerAuth security handler: who is calling, or why not. */
    auth?: { principal: Principal | null } | { error: unknown };
  }
}

/**
 * The REST surface, routed and validated by its OpenAPI document (schema/openapi/openapi.yaml):
 * a request whose shape fails the document is a 400 before any handler runs. Handlers are thin
 * calls into the same core operations as GraphQL.
 */
export async function registerEventsApi(
  app: FastifyInstance,
  config: Config,
  database: Database,
  publishing: PublishSettings,
  logger: Logger,
): Promise<void> {
  const principalOf = (request: FastifyRequest) => {
    const auth = request.auth;
    if (!auth) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
    if ('error' in auth) throw auth.error;
    return auth.principal;
  };
  const handle =
    (work: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(request, reply);
      } catch (err) {
        return sendProblem(reply, err, logger);
      }
    };
  const rateHeaders = (reply: FastifyReply, rate: { limit: number; remaining: number }) =>
    reply.header('ratelimit-limit', String(rate.limit)).header('ratelimit-remaining', String(rate.remaining));
  const summary = (r: { event: { id: string }; deliveries: { id: string }[]; duplicate: boolean }) => ({
    id: r.event.id,
    deliveryIds: r.deliveries.map((d) => d.id),
    duplicate: r.duplicate,
  });

  const serviceHandlers = {
    publishEvent: handle(async (request, reply) => {
      const body = request.body as PublishBody;
      const header = request.headers['idempotency-key'];
      const result = await publishEvent(database.db, publishing, requireTenant(principalOf(request), 'publish'), {
        ...body,
        // The header wins over the body, as the document says.
        idempotencyKey: typeof header === 'string' ? header : body.idempotencyKey,
      });
      return rateHeaders(reply, result.rate).code(202).send(summary(result));
    }),
    publishEvents: handle(async (request, reply) => {
      const { events } = request.body as { events: PublishBody[] };
      const { results, rate } = await publishEvents(
        database.db,
        publishing,
        requireTenant(principalOf(request), 'publish'),
        events,
      );
      return rateHeaders(reply, rate)
        .code(202)
        .send({ events: results.map(summary) });
    }),
    getEvent: handle(async (request, reply) => {
      const { id } = request.params as { id: string };
      const caller = requireTenant(principalOf(request), 'read');
      const event = await getEvent(database.db, caller, id);
      if (!event) throw new NotFoundError(`No event ${id}.`);
      // One delivery per endpoint the event went to: the REST answer keeps the most a nested list gives.
      const deliveries = await deliveriesOfEvents(database.db, caller, [id], nestedSlice({ first: MAX_NESTED_LIST }));
      return reply.send({
        id: event.id,
        eventType: event.eventType,
        consumerId: event.consumerId,
        idempotencyKey: event.idempotencyKey,
        payload: event.payload,
        createdAt: event.createdAt.toISOString(),
        deliveries: deliveries.map((d) => ({
          id: d.id,
          endpointId: d.endpointId,
          status: d.status,
          attemptCount: d.attemptCount,
          nextAttemptAt: d.status === 'PENDING' ? d.nextAttemptAt.toISOString() : null,
          completedAt: d.completedAt?.toISOString() ?? null,
        })),
      });
    }),
  };

  // Never throws: a refused key is reported by the handler, as problem+json with our code.
  const securityHandlers = {
    bearerAuth: async (request: FastifyRequest) => {
      try {
        const token = parseBearer(request.headers.authorization);
        request.auth = { principal: token ? await authenticate(database.db, config.adminApiKey, token) : null };
      } catch (error) {
        request.auth = { error };
      }
    },
  };

  await app.register(async (scope) => {
    // Responses are sent as built: the document's response schemas describe them, they do not filter them.
    scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
    // The document names problem+json (for responses); accept it as JSON so the plugin has a parser for every type it names.
    scope.addContentTypeParser('application/problem+json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    await scope.register(openapiGlue, { specification: openapiPath, serviceHandlers, securityHandlers });
  });
}
