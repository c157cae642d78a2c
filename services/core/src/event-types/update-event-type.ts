import { eventTypes } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { NotFoundError } from '../errors.ts';
import { jsonValue, parseInput } from '../validation.ts';
import { checkSchemaAndExample } from './create-event-type.ts';

const input = z.object({
  description: z.string().max(2000).nullish(),
  /** null removes the schema; absent keeps it. */
  schema: jsonValue.optional(),
  example: jsonValue.optional(),
});

/**
 * Changes a type's description, schema or example. A new updatedAt makes every API process compile
 * the new schema on its next publish (validators are cached per type version).
 */
export async function updateEventType(db: Db, caller: TenantCaller, name: string, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  return inTenant(db, caller.tenantId, async (tx) => {
    const [current] = await tx
      .select()
      .from(eventTypes)
      .where(and(eq(eventTypes.tenantId, caller.tenantId), eq(eventTypes.name, name)))
      .for('update');
    if (!current) throw new NotFoundError(`No event type "${name}".`);
    const schema = data.schema === undefined ? current.schema : data.schema;
    const example = data.example === undefined ? current.example : data.example;
    checkSchemaAndExample(schema, example);
    const [row] = await tx
      .update(eventTypes)
      .set({
        ...(data.description != null && { description: data.description }),
        schema: schema ?? null,
        example: example ?? null,
        // clock_timestamp, not now(): two updates in one transaction must still be two versions.
        updatedAt: sql`clock_timestamp()`,
      })
      .where(eq(eventTypes.id, current.id))
      .returning();
    await recordAudit(tx, caller, 'updateEventType', row!.id, { name, description: data.description, schema: data.schema });
    return row!;
  });
}
