import { pino } from 'pino';
import { serializeError } from './log-error.ts';

export type Logger = pino.Logger;

/** Structured JSON logs; credentials, signatures and query parameters never reach them. */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    serializers: { err: serializeError, error: serializeError },
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
