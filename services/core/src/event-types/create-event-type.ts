import { eventTypes } from '@acme/schema/db';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { ConflictError } from '../errors.ts';
import { newId } from '../ids.ts';
import { jsonValue, parseInput } from '../validation.ts';
import { assertExampleMatches, assertValidSchema } from './payload-schema.ts';

export const eventTypeName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'an event type name is letters, digits, "." "_" "-", like invoice.paid')
  // The gateway's own operational events are published under acme.* (see operational-events/).
  .refine((name) => !name.toLowerCase().startsWith('acme.'), 'event type names starting with "acme." are reserved');

const input = z.object({
  name: eventTypeName,
  description: z.string().max(2000).nullish(),
  schema: jsonValue.optional(),
  example: jsonValue.optional(),
});

/** Checks a schema and an example together: the schema must be valid, and the example must match it. */
export function checkSchemaAndExample(schema: unknown, example: unknown): void {
  if (schema !== null && schema !== undefined) {
    assertValidSchema(schema);
    if (example !== null && example !== undefined) assertExampleMatches(schema, example);
  }
}

export async function createEventType(db: Db, caller: TenantCaller, raw: z.input<typeof input>) {
  const { name, description, schema, example } = parseInput(input, raw);
  checkSchemaAndExample(schema, example);
  return inTenant(db, caller.tenantId, async (tx) => {
    const [row] = await tx
      .insert(eventTypes)
      .values({
        id: newId('evtype'),
        tenantId: caller.tenantId,
        name,
        description: description ?? '',
        schema: schema ?? null,
        example: example ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`The event type "${name}" already exists.`, { field: 'name' });
    await recordAudit(tx, caller, 'createEventType', row.id, { name, description, schema });
    return row;
  });
}
