import { endpointSecrets, endpoints, eventTypes } from '@acme/schema/db';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import { encryptSecret, type MasterKeys } from '../crypto/secret-box.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { MAX_ATTEMPT_TIMEOUT_MS } from '../delivery/attempt-limits.ts';
import type { Cidr } from '../delivery/cidr.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { generateWebhookSecret } from '../delivery/signature.ts';
import { assertDestinationAllowed } from '../delivery/url-guard.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';
import { secretAssociatedData } from './signing-secrets.ts';

/**
 * Headers an endpoint may not set: the gateway's own, the hop-by-hop ones (RFC 9110 §7.6.1) and those
 * that change how the request is framed or answered (undici refuses several at send time).
 */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'host',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Visible ASCII with inner spaces and tabs: a field-value every receiver and proxy reads the same way. */
const headerValue = /^(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?$/;
/** Every attempt carries them (and the attempt log keeps their names): bounded like any other input. */
export const MAX_CUSTOM_HEADERS = 20;
export const MAX_CUSTOM_HEADER_BYTES = 8192;
const MAX_HEADER_VALUE_LENGTH = 4096;

/** The settable fields, shared with updateEndpoint. */
export const endpointFields = z.object({
  description: z.string().max(2000).nullish(),
  eventTypes: z.array(z.string()).max(200).nullish(),
  consumerId: z.string().min(1).max(200).nullish(),
  headers: z.record(z.string(), z.string().max(MAX_HEADER_VALUE_LENGTH)).nullish(),
  rateLimit: z.number().int().min(1).max(10_000).nullish(),
  timeoutMs: z.number().int().min(1000).max(MAX_ATTEMPT_TIMEOUT_MS).nullish(),
  retrySchedule: z.string().nullish(),
  metadata: z.record(z.string(), z.string().max(1000)).nullish(),
});

const input = endpointFields.extend({ url: z.string() });

export interface EndpointSettings {
  privateDestinationsAllowed: readonly Cidr[];
  secretsMasterKey: MasterKeys;
}

/**
 * Validates, guards the URL, and stores the endpoint with a new `whsec_` secret (encrypted), returned
 * once here. A portal session's endpoints always belong to its consumer.
 */
export async function createEndpoint(db: Db, settings: EndpointSettings, caller: TenantCaller, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  if (caller.consumerId !== null) {
    if (data.consumerId && data.consumerId !== caller.consumerId)
      throw new ForbiddenError('A portal session creates endpoints for its own consumer only.', { field: 'consumerId' });
    data.consumerId = caller.consumerId;
  }
  const url = await assertDestinationAllowed(data.url, settings.privateDestinationsAllowed);
  const headers = normaliseHeaders(data.headers ?? {});
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);
  const typeNames = [...new Set(data.eventTypes ?? [])];
  const tenantId = caller.tenantId;

  const id = newId('ep');
  const secretId = newId('whsec');
  const secret = generateWebhookSecret();
  return inTenant(db, tenantId, async (tx) => {
    await assertEventTypesExist(tx, tenantId, typeNames);
    const [endpoint] = await tx
      .insert(endpoints)
      .values({
        id,
        tenantId,
        url: url.toString(),
        description: data.description ?? '',
        eventTypes: typeNames,
        consumerId: data.consumerId ?? null,
        headers,
        rateLimit: data.rateLimit ?? null,
        timeoutMs: data.timeoutMs ?? null,
        retrySchedule: data.retrySchedule ?? null,
        metadata: data.metadata ?? {},
      })
      .returning();
    await tx.insert(endpointSecrets).values({
      id: secretId,
      endpointId: id,
      tenantId,
      ciphertext: encryptSecret(settings.secretsMasterKey, secret, secretAssociatedData(secretId, id)),
    });
    await recordAudit(tx, caller, 'createEndpoint', id, { ...data, url: url.toString() });
    return { endpoint: endpoint!, secret };
  });
}

export function normaliseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS)
    throw new InvalidInputError(`At most ${MAX_CUSTOM_HEADERS} custom headers are allowed.`, { field: 'headers' });
  const size = entries.reduce((sum, [name, value]) => sum + name.length + value.length, 0);
  if (size > MAX_CUSTOM_HEADER_BYTES)
    throw new InvalidInputError(`Custom headers may total at most ${MAX_CUSTOM_HEADER_BYTES} bytes of names and values.`, {
      field: 'headers',
    });
  for (const [rawName, value] of entries) {
    const problem = headerProblem(rawName, value);
    // The header at fault, as a path (a name may hold dots, never a slash): a form can mark that row.
    if (problem) throw new InvalidInputError(problem, { field: `headers/${rawName}` });
    out[rawName.toLowerCase()] = value;
  }
  return out;
}

/** Why one custom header is refused, or null: the rules for each header (the limits on all are above). */
export function headerProblem(rawName: string, value: unknown): string | null {
  const name = rawName.toLowerCase();
  if (!headerName.test(name)) return `"${rawName}" is not a valid header name.`;
  if (RESERVED_HEADERS.has(name)) return `The header "${rawName}" is set by the gateway and cannot be overridden.`;
  if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE_LENGTH || !headerValue.test(value))
    return `The header "${rawName}" must be visible ASCII (spaces and tabs inside only): no line breaks, control or non-ASCII characters.`;
  return null;
}

export async function assertEventTypesExist(db: DbOrTx, tenantId: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const found = await db
    .select({ name: eventTypes.name })
    .from(eventTypes)
    .where(and(eq(eventTypes.tenantId, tenantId), inArray(eventTypes.name, names), eq(eventTypes.archived, false)));
  const missing = names.filter((n) => !found.some((f) => f.name === n));
  if (missing.length > 0)
    throw new InvalidInputError(`Unknown event types: ${missing.join(', ')}. Create them first.`, { field: 'eventTypes' });
}
