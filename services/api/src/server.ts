import {
  authenticate,
  type Config,
  connectDatabase,
  createRegistry,
  type Database,
  type Logger,
  PublishRateLimiter,
  type PublishSettings,
  parseBearer,
  settledBy,
} from '@acme/core';
import { portalAssetsDir } from '@acme/portal';
import { typeDefs } from '@acme/schema/graphql';
import {
  checkReadiness,
  createWorkflowHandoff,
  handOverDeliveries,
  handOverSoon,
  TemporalClientProvider,
} from '@acme/worker/handoff';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { GraphQLError } from 'graphql';
import { graphqlArmor } from './graphql/armor.ts';
import type { GraphQLContext } from './graphql/context.ts';
import { costLimitPlugin } from './graphql/cost-limit.ts';
import { createFormatError } from './graphql/errors.ts';
import { createLoaders } from './graphql/loaders.ts';
import { resolvers } from './graphql/resolvers/index.ts';
import { registerMetricsRoute } from './http/metrics.ts';
import { registerOpenApiDocument } from './http/openapi-document.ts';
import { registerPortal } from './http/portal.ts';
import { registerTracing } from './http/tracing.ts';
import { registerEventsApi } from './rest/events-api.ts';
import { problem } from './rest/problem.ts';

/** How long a mutation waits for its hand-off to Temporal before answering (it then goes on in the background). */
const HANDOFF_WAIT_MS = 1000;

export interface ApiServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:4000. */
  url: string;
  /**
   * Stops accepting connections, lets requests in flight finish (a request arriving on a kept-alive
   * connection meanwhile gets 503 and `connection: close`), then closes the pools; connections still
   * busy after SHUTDOWN_TIMEOUT_MS are cut.
   */
  stop(): Promise<void>;
}

/** GraphQL, REST, health and the portal on one origin. */
export async function startApi(config: Config, logger: Logger, options: { host?: string } = {}): Promise<ApiServer> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to start the API.');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required to start the API.');
  const database = connectDatabase(config.databaseUrl);
  // Lazy: the API starts, and publishing works, while Temporal is down (/readyz says so).
  const temporal = new TemporalClientProvider(config.temporal);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.limits.requestBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // Requests are checked against the OpenAPI document as they are: nothing removed, nothing coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  });

  // Fastify's own refusals (malformed JSON, a request failing the OpenAPI document, body over the
  // limit) answer as problem+json too.
  app.setErrorHandler(
    (
      err: { statusCode?: number; message: string; validation?: { instancePath: string }[]; validationContext?: string },
      _request,
      reply,
    ) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) {
        logger.error({ err }, 'unhandled error');
        return problem(reply, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      }
      if (status === 401) return problem(reply, 401, 'UNAUTHENTICATED', err.message);
      if (status === 413)
        return problem(reply, 413, 'PAYLOAD_TOO_LARGE', `The request body is over ${config.limits.requestBodyBytes} bytes.`);
      const failing = err.validation?.[0];
      const field = failing ? `${err.validationContext ?? 'body'}${failing.instancePath}` : undefined;
      return problem(reply, status, status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT', err.message, field ? { field } : {});
    },
  );

  registerTracing(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerMetricsRoute(app, createRegistry('api'), config.metrics.workerUrl);
  app.get('/readyz', async (_, reply) => {
    const result = await checkReadiness(database, temporal);
    return reply.code(result.ready ? 200 : 503).send(result);
  });

  const handoff = createWorkflowHandoff(temporal, config.temporal.taskQueue);
  // A mutation that queued deliveries for a workflow (replay, retry now, resume) answers within
  // about a second whatever Temporal's state: the rows are in Postgres, and the sweep is the guarantee.
  const handOver: GraphQLContext['handOver'] = (items, signal) =>
    handOverSoon(() => handOverDeliveries(handoff, database.db, items, logger, signal), HANDOFF_WAIT_MS);
  const publishing: PublishSettings = {
    rateLimiter: new PublishRateLimiter(),
    defaults: config.limits.tenantDefaults,
    defaultRetrySchedule: config.retrySchedule,
  };
  // Known once we listen (PORT may be 0); PUBLIC_URL, when set, says where people reach us.
  const where = { publicUrl: config.publicUrl ?? '' };
  await registerGraphQL(app, config, database, logger, { handOver, publishing, where });
  await registerEventsApi(app, config, database, publishing, logger);
  registerOpenApiDocument(app);
  await registerPortal(app, portalAssetsDir);

  const address = await app.listen({ port: config.port, host: options.host ?? config.host });
  if (!config.publicUrl) where.publicUrl = `http://127.0.0.1:${new URL(address).port}`;
  return {
    app,
    url: address,
    async stop() {
      const closed = app.close();
      if (!(await settledBy(closed, Date.now() + config.shutdownTimeoutMs))) {
        logger.warn('requests still in flight at the shutdown timeout; closing their connections');
        app.server.closeAllConnections();
        await closed;
      }
      await temporal.close();
      await database.close();
    },
  };
}

async function registerGraphQL(
  app: FastifyInstance,
  config: Config,
  database: Database,
  logger: Logger,
  shared: { handOver: GraphQLContext['handOver']; publishing: PublishSettings; where: { publicUrl: string } },
) {
  const armor = graphqlArmor(config.production);
  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs,
    resolvers,
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    // Only JSON (or preflighted) requests: a cross-site form or image cannot run a mutation.
    csrfPrevention: true,
    // One operation per HTTP request: a batch would multiply every other limit.
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    // Armor's types name Apollo's CommonJS build; the plugins are the same objects.
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin<GraphQLContext>[]),
      costLimitPlugin<GraphQLContext>(),
      fastifyApolloDrainPlugin(app),
    ],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    context: async (request) => {
      try {
        const token = parseBearer(request.headers.authorization);
        const principal = token ? await authenticate(database.db, config.adminApiKey, token) : null;
        return {
          principal,
          database,
          config,
          handOver: shared.handOver,
          publishing: shared.publishing,
          publicUrl: shared.where.publicUrl,
          loaders: createLoaders(database, principal),
        };
      } catch (err) {
        if (err instanceof Error && 'code' in err && err.code === 'UNAUTHENTICATED') {
          throw new GraphQLError(err.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        throw err;
      }
    },
  });
}
