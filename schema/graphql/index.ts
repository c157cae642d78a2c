import { readFileSync } from 'node:fs';

/** The SDL the API serves, read from schema/graphql/schema.graphql. */
export const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
