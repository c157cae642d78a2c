import { apiKeys, tenants } from '@acme/schema/db';
import { z } from 'zod';
import { generateApiToken } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';

const input = z.object({
  name: z.string().trim().min(1).max(200),
  retrySchedule: z.string().nullish(),
});

/** Creates a tenant and its first API key (full access); the token is returned this once only. */
export async function createTenant(db: Db, raw: z.input<typeof input>) {
  const { name, retrySchedule } = parseInput(input, raw);
  if (retrySchedule) parseRetrySchedule(retrySchedule);
  const key = generateApiToken();
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ id: newId('tnt'), name, retrySchedule: retrySchedule ?? null })
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
    return { tenant: tenant!, apiKey: apiKey!, token: key.token };
  });
}
