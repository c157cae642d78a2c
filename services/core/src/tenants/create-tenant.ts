import { apiKeys, tenants } from '@acme/schema/db';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { operatorCaller } from '../auth/principal.ts';
import { generateApiToken } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';
import { limitColumns, tenantLimitsInput } from './tenant-limits.ts';

const input = z.object({
  name: z.string().trim().min(1).max(200),
  retrySchedule: z.string().nullish(),
  limits: tenantLimitsInput,
});

/** Operator: creates a tenant and its first API key (full access); the token is returned this once only. */
export async function createTenant(db: Db, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);
  const key = generateApiToken();
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ id: newId('tnt'), name: data.name, retrySchedule: data.retrySchedule || null, ...limitColumns(data.limits) })
      .returning();
    const [apiKey] = await tx
      .insert(apiKeys)
      .values({
        id: newId('key'),
        tenantId: tenant!.id,
        name: 'Default key',
        prefix: key.prefix,
        hash: key.hash,
        scopes: ['FULL_ACCESS'],
      })
      .returning();
    await recordAudit(tx, operatorCaller(tenant!.id), 'createTenant', tenant!.id, data);
    return { tenant: tenant!, apiKey: apiKey!, token: key.token };
  });
}
