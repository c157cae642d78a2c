import { AcmeError, type Logger } from '@acme/core';
import type { FastifyReply } from 'fastify';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  // The request had the right shape (the OpenAPI check passed) but core refused it: unknown or
  // archived event type, a payload that fails its schema. A wrong shape is 400, from the OpenAPI check.
  BAD_USER_INPUT: 422,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** RFC 9457 problem details with our `code`; the one shape of every REST error. */
export function problem(reply: FastifyReply, status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://docs.acme-webhooks.dev/errors/${code.toLowerCase()}`,
      title: code,
      status,
      detail,
      code,
      ...extra,
    });
}

/** Core errors mapped once for REST; internal ones without their message (it may name tables or hosts). */
export function sendProblem(reply: FastifyReply, err: unknown, logger: Logger): FastifyReply {
  if (err instanceof AcmeError) {
    const retryAfter = err.details.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return problem(reply, STATUS[err.code] ?? 400, err.code, err.message, err.details);
  }
  logger.error({ err }, 'internal error in REST request');
  return problem(reply, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}
