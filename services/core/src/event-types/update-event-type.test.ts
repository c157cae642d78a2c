import { afterAll, describe, expect, it } from 'vitest';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { archiveEventType, unarchiveEventType } from './archive-event-type.ts';
import { createEventType } from './create-event-type.ts';
import { examplePayload } from './example-payload.ts';
import { getEventType, listEventTypes } from './list-event-types.ts';
import { updateEventType } from './update-event-type.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('updateEventType', () => {
  it('changes the description and schema, removes the schema with null, and moves updatedAt', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const created = await createEventType(database.db, caller, { name: 'x.y', schema: { type: 'object' } });
    const updated = await updateEventType(database.db, caller, 'x.y', { description: 'new', schema: { type: 'array' } });
    expect(updated).toMatchObject({ description: 'new', schema: { type: 'array' } });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    expect(await updateEventType(database.db, caller, 'x.y', { schema: null })).toMatchObject({
      schema: null,
      description: 'new',
    });
  });

  it('refuses a schema the stored example no longer matches, and answers NOT_FOUND for an unknown type', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'x.z', example: { n: 1 } });
    await expect(
      updateEventType(database.db, caller, 'x.z', { schema: { properties: { n: { type: 'string' } } } }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'example/n' } });
    await expect(updateEventType(database.db, caller, 'no.such', { description: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('archiveEventType, unarchiveEventType, listEventTypes', () => {
  it('hides archived types unless asked, and brings them back', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'old.one' });
    expect((await archiveEventType(database.db, caller, 'old.one')).archived).toBe(true);
    expect((await listEventTypes(database.db, caller)).map((t) => t.name)).toEqual(['invoice.paid']);
    expect((await listEventTypes(database.db, caller, { includeArchived: true })).map((t) => t.name)).toEqual([
      'invoice.paid',
      'old.one',
    ]);
    expect((await unarchiveEventType(database.db, caller, 'old.one')).archived).toBe(false);
    await expect(archiveEventType(database.db, caller, 'never.was')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("does not see another tenant's types", async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, b.caller, { name: 'b.only' });
    expect(await getEventType(database.db, a.caller, 'b.only')).toBeNull();
    await expect(archiveEventType(database.db, a.caller, 'b.only')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('examplePayload', () => {
  it('prefers the given example, else samples the schema, else null', () => {
    expect(examplePayload({ example: { a: 1 }, schema: { type: 'string' } })).toEqual({ a: 1 });
    expect(
      examplePayload({
        example: null,
        schema: {
          type: 'object',
          properties: { amount: { type: 'integer', example: 4200 }, currency: { type: 'string', enum: ['EUR'] } },
        },
      }),
    ).toEqual({ amount: 4200, currency: 'EUR' });
    expect(examplePayload({ example: null, schema: null })).toBeNull();
  });
});
