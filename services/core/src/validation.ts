import { z } from 'zod';
import { InvalidInputError } from './errors.ts';

/** Validates a core operation's input; the first problem becomes a BAD_USER_INPUT naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new InvalidInputError(field ? `${field}: ${issue.message}` : issue.message, { field });
}

/**
 * Any JSON value, as plain objects: GraphQL's JSON scalar hands over objects without a prototype,
 * which the query builder cannot tell from its own SQL objects. Absent stays absent, null stays null.
 */
export const jsonValue = z.unknown().transform((value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value))));
