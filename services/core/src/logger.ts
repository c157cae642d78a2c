import { pino } from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs; credentials and signatures never reach them. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
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
  });
}
