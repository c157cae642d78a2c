import { InvalidRequestError } from '@acme/webhooks-sdk';

/**
 * The form field an API refusal names (`extensions.field`: `url`, `input.url`, `headers/X-Foo`,
 * `payload/lines/0`), if the form has it; the error is shown beside that field.
 */
export function fieldOf(error: unknown, fields: readonly string[]): string | null {
  if (!(error instanceof InvalidRequestError) || !error.field) return null;
  const parts = error.field.split(/[./]/).filter(Boolean);
  return parts.find((part) => fields.includes(part)) ?? null;
}
