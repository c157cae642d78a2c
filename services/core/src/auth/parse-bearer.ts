import { UnauthenticatedError } from '../errors.ts';

/** The token of an `Authorization: Bearer <token>` header; null when the header is absent. */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new UnauthenticatedError('Send the API key as Authorization: Bearer <key>.');
  return match[1];
}
