import { authenticate, type Config, connectDatabase, createRegistry, type Database, type Logger, parseBearer } from '@acme/core';
import { portalAssetsDir } from '@acme/portal';
import { typeDefs } from '@acme/schema/graphql';
import { createWorkflowHandoff, handOverDeliveries, TemporalClientProvider } from '@acme/worker';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { GraphQLError } from 'graphql';
import type { GraphQLContext } from './graphql/context.ts';
import { createFormatError } from './graphql/errors.ts';
import { resolvers } from './graphql/resolvers/index.ts';
import { registerMetricsRoute } from './http/metrics.ts';
import { checkReadiness } from './http/readiness.ts';
import { registerPublishEvent } from './rest/publish-event.ts';

export interface ApiServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:4000. */
  url: string;
  stop(): Promise<void>;
}

/** GraphQL, REST, health and the portal on one origin. */
export async function startApi(config: Config, logger: Logger, options: { host?: string } = {}): Promise<ApiServer> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to start the API.');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required to start the API.');
  const database = connectDatabase(config.databaseUrl);
  // Lazy: the API starts, and publishing works, while Temporal is down (/readyz says so).
  const temporal = new TemporalClientProvider(config.temporal.address, config.temporal.namespace);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.limits.requestBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Fastify's own refusals (malformed JSON, body over the limit) answer as problem+json too.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) logger.error({ err }, 'unhandled error');
    return reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        status,
        detail: status === 500 ? 'Internal server error' : err.message,
      });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  registerMetricsRoute(app, createRegistry('api'), config.metrics.workerUrl);
  app.get('/readyz', async (_, reply) => {
    const result = await checkReadiness(database, temporal);
    return reply.code(result.ready ? 200 : 503).send(result);
  });

  const handoff = createWorkflowHandoff(temporal, config.temporal.taskQueue);
  const handOver: GraphQLContext['handOver'] = (items, signal) => handOverDeliveries(handoff, database.db, items, logger, signal);
  await registerGraphQL(app, config, database, logger, handOver);
  registerPublishEvent(app, config, database, logger);
  await app.register(fastifyStatic, { root: portalAssetsDir, prefix: '/' });

  const address = await app.listen({ port: config.port, host: options.host ?? '127.0.0.1' });
  return {
    app,
    url: address,
    async stop() {
      await app.close();
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
  handOver: GraphQLContext['handOver'],
) {
  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs,
    resolvers,
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !config.production,
    plugins: [fastifyApolloDrainPlugin(app)],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    context: async (request) => {
      try {
        const token = parseBearer(request.headers.authorization);
        const principal = token ? await authenticate(database.db, config.adminApiKey, token) : null;
        return { principal, database, config, handOver };
      } catch (err) {
        if (err instanceof Error && 'code' in err && err.code === 'UNAUTHENTICATED') {
          throw new GraphQLError(err.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        throw err;
      }
    },
  });
}
