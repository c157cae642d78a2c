import { readFileSync } from 'node:fs';
import { openapiPath } from '@acme/schema/openapi';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';

/** GET /openapi.json: the REST contract, as JSON, for SDK generators and API explorers. */
export function registerOpenApiDocument(app: FastifyInstance): void {
  const document = JSON.stringify(parse(readFileSync(openapiPath, 'utf8')));
  app.get('/openapi.json', async (_, reply) => reply.type('application/json').send(document));
}
