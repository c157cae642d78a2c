import { AcmeError, type Logger } from '@acme/core';
import type { FastifyReply } from 'fastify';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** RFC 9457 problem details: core errors mapped once for REST, internal ones without their message. */
export function sendProblem(reply: FastifyReply, err: unknown, logger: Logger): FastifyReply {
  if (err instanceof AcmeError) {
    const status = STATUS[err.code] ?? 400;
    return reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: `https://docs.acme-webhooks.dev/errors/${err.code.toLowerCase()}`,
        title: err.code,
        status,
        detail: err.message,
        code: err.code,
        ...err.details,
      });
  }
  logger.error({ err }, 'internal error in REST request');
  return reply.code(500).type('application/problem+json').send({
    type: 'about:blank',
    title: 'INTERNAL_SERVER_ERROR',
    status: 500,
    detail: 'Internal server error',
    code: 'INTERNAL_SERVER_ERROR',
  });
}
