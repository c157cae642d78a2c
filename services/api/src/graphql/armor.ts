import { ApolloArmor } from '@escape.tech/graphql-armor';

/**
 * Limits on what one GraphQL operation may ask for, checked before it runs. Generous for any real
 * client (the portal's deepest query, deliveries → event → deliveries → attempts, is depth 7), tight
 * enough that no single request can make the server do unbounded work.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2000,
} as const;

export function graphqlArmor(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens },
    // Ours (cost-limit.ts) counts variables and lists without arguments; armor's counts neither.
    costLimit: { enabled: false },
    // "Did you mean ...?" hints map the schema for a stranger when introspection is off.
    blockFieldSuggestion: { enabled: production },
  }).protect();
}
