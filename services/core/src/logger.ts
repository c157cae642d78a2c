import { pino } from 'pino';
import { serializeError } from './log-error.ts';
import { activeTraceIds } from './tracing.ts';

export type Logger = pino.Logger;

/**
 * Structured JSON logs; credentials, signatures and query parameters never reach them. A line written
 * while a span is active carries its `trace_id` and `span_id`, so logs and traces meet (nothing is
 * added while tracing is off).
 */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    serializers: { err: serializeError, error: serializeError },
    mixin: activeTraceIds,
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'headers["webhook-signature"]',
        '*.headers["webhook-signature"]',
        'secret',
        '*.secret',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
