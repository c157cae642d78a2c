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

/** Deep enough for any real document; JSON.stringify, schema checks and jsonb all recurse. */
export const MAX_JSON_DEPTH = 64;

// Postgres jsonb refuses \u0000 and a lone UTF-16 surrogate (JSON.stringify writes one as \udxxx).
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);

/**
 * Why a JSON value cannot be stored as jsonb, or null. Walked without recursion, so a value nested
 * deeply enough to overflow the stack is refused here instead of crashing what comes after.
 */
export function unstorableJsonReason(value: unknown): string | null {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (unstorable(item)) return 'contains a NUL character (\\u0000) or an unpaired surrogate.';
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels.`;
    for (const [key, child] of Object.entries(item)) {
      if (unstorable(key)) return 'has a key with a NUL character (\\u0000) or an unpaired surrogate.';
      pending.push([child, depth + 1]);
    }
  }
  return null;
}

/** Any JSON value jsonb can store (see unstorableJsonReason), unchanged. */
export const storableJson = z.unknown().superRefine((value, ctx) => {
  const reason = unstorableJsonReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: `The value ${reason}` });
});

/**
 * Any storable JSON value, as plain objects: GraphQL's JSON scalar hands over objects without a
 * prototype, which the query builder cannot tell from its own SQL objects. Absent stays absent, null stays null.
 */
export const jsonValue = z.unknown().transform((value, ctx) => {
  const reason = unstorableJsonReason(value);
  if (reason) {
    ctx.addIssue({ code: 'custom', message: `The value ${reason}` });
    return z.NEVER;
  }
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
});
