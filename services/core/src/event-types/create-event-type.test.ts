import { afterAll, describe, expect, it } from 'vitest';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createEventType } from './create-event-type.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('createEventType', () => {
  it('stores a type with its schema and an example that matches it', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^inv_[0-9]+$' } } };
    const type = await createEventType(database.db, caller, {
      name: 'invoice.sent',
      description: 'Sent',
      schema,
      example: { id: 'inv_1' },
    });
    expect(type).toMatchObject({ name: 'invoice.sent', description: 'Sent', schema, example: { id: 'inv_1' }, archived: false });
  });

  it.each([
    ['a name with spaces', { name: 'invoice paid' }],
    ['a schema that is not JSON Schema', { name: 'a.b', schema: { type: 'objekt' } }],
    ['a schema that is not an object', { name: 'a.b', schema: [1] }],
    ['an unknown $schema dialect', { name: 'a.b', schema: { $schema: 'http://json-schema.org/draft-03/schema#' } }],
    ['a $ref that goes nowhere', { name: 'a.b', schema: { $ref: 'https://example.com/elsewhere.json' } }],
    ['a backtracking regex (ReDoS) RE2 cannot run', { name: 'a.b', schema: { type: 'string', pattern: '^(a+)+\\1$' } }],
    ['an example that fails the schema', { name: 'a.b', schema: { type: 'object', required: ['id'] }, example: {} }],
    ['a schema over 64 KiB', { name: 'a.b', schema: { description: 'x'.repeat(70_000) } }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(createEventType(database.db, caller, input)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('names the failing path of a bad example, and answers CONFLICT for a name taken', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(
      createEventType(database.db, caller, {
        name: 'a.b',
        schema: { properties: { n: { type: 'integer' } } },
        example: { n: 'x' },
      }),
    ).rejects.toMatchObject({ details: { field: 'example/n' } });
    await expect(createEventType(database.db, caller, { name: 'invoice.paid' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('accepts draft-07 schemas and the same $id in two tenants', async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 0);
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://example.com/order.json', type: 'object' };
    await createEventType(database.db, a.caller, { name: 'order.placed', schema });
    await createEventType(database.db, b.caller, { name: 'order.placed', schema });
  });
});
