import type { z } from 'zod';
import { InvalidInputError } from './errors.ts';

/** Validates a core operation's input; the first problem becomes a BAD_USER_INPUT naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new InvalidInputError(field ? `${field}: ${issue.message}` : issue.message, { field });
}
