import { AcmeError, type Logger } from '@acme/core';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';

/**
 * Core errors become `extensions.code` once, here; any other error is an internal one whose
 * message is logged but not shown (it may name tables or hosts). Apollo's own codes
 * (validation, parsing, bad variables) pass through. Never a stack trace.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { path: formatted.path, locations: formatted.locations };
    if (original instanceof AcmeError) {
      return { message: original.message, ...where, extensions: { code: original.code, ...original.details } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return { message: formatted.message, ...where, extensions: { code } };
    }
    logger.error({ err: original, path: formatted.path }, 'internal error in GraphQL operation');
    return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
