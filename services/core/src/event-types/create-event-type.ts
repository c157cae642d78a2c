import { eventTypes } from '@acme/schema/db';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { ConflictError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';

export const eventTypeName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'an event type name is letters, digits, "." "_" "-", like invoice.paid')
  // The gateway's own operational events are published under acme.* (see operational-events/).
  .refine((name) => !name.toLowerCase().startsWith('acme.'), 'event type names starting with "acme." are reserved');

const input = z.object({
  name: eventTypeName,
  description: z.string().max(2000).nullish(),
  schema: z.record(z.string(), z.unknown()).nullish(),
});

export async function createEventType(db: Db, tenantId: string, raw: z.input<typeof input>) {
  const { name, description, schema } = parseInput(input, raw);
  const [row] = await db
    .insert(eventTypes)
    .values({ id: newId('evtype'), tenantId, name, description: description ?? '', schema: schema ?? null })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ConflictError(`The event type "${name}" already exists.`, { field: 'name' });
  return row;
}
