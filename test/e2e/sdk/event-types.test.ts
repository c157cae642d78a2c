// acme.eventTypes.* through the SDK against a real gateway (real Postgres and Temporal).
import { ConflictError, InvalidRequestError, NotFoundError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed } from './sdk-support.ts';

const bed = sdkTestBed({}, { worker: false });

const amountSchema = {
  type: 'object',
  required: ['amount'],
  properties: { amount: { type: 'integer', example: 4200 } },
};

describe('eventTypes', () => {
  it('creates an event type with its schema, and refuses the same name twice with ConflictError', async () => {
    const { acme } = await bed.tenant();
    const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    const created = await acme.eventTypes.create({ name: 'order.shipped', description: 'An order left the warehouse', schema });
    expect(created).toMatchObject({ name: 'order.shipped', description: 'An order left the warehouse', schema, archived: false });
    expect(created.id).toEqual(expect.any(String));
    const again = await acme.eventTypes.create({ name: 'order.shipped' }).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ code: 'CONFLICT', status: 409, details: { field: 'name' } });
  });

  it('lists and iterates the types by name, archived ones only when asked', async () => {
    const { acme } = await bed.tenant();
    await acme.eventTypes.create({ name: 'b.updated' });
    await acme.eventTypes.create({ name: 'a.created' });
    await acme.eventTypes.create({ name: 'c.deleted' });
    await acme.eventTypes.archive('c.deleted');

    const page = await acme.eventTypes.list();
    expect(page.items.map((t) => t.name)).toEqual(['a.created', 'b.updated', 'invoice.paid']);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    const all = await acme.eventTypes.list({ includeArchived: true });
    expect(all.items.map((t) => [t.name, t.archived])).toEqual([
      ['a.created', false],
      ['b.updated', false],
      ['c.deleted', true],
      ['invoice.paid', false],
    ]);

    const iterated = [];
    for await (const type of acme.eventTypes.iterate({ includeArchived: true })) iterated.push(type);
    expect(iterated).toEqual(all.items);
    const active = [];
    for await (const type of acme.eventTypes.iterate()) active.push(type.name);
    expect(active).toEqual(['a.created', 'b.updated', 'invoice.paid']);
  });

  it('gets one by name with an example made from its schema, and NotFoundError for a name it does not have', async () => {
    const { acme } = await bed.tenant();
    const created = await acme.eventTypes.create({ name: 'payment.made', description: 'Paid', schema: amountSchema });
    const found = await acme.eventTypes.get('payment.made');
    expect(found).toEqual({ ...created, example: { amount: 4200 } });

    const other = await bed.tenant();
    const error = await other.acme.eventTypes.get('payment.made').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('updates the description, schema and example; the new schema holds for the next publish, and null removes it', async () => {
    const { acme } = await bed.tenant();
    const before = await acme.eventTypes.get('invoice.paid');
    const updated = await acme.eventTypes.update('invoice.paid', {
      description: 'An invoice was paid in full',
      schema: amountSchema,
      example: { amount: 99 },
    });
    expect(updated).toMatchObject({
      id: before.id,
      name: 'invoice.paid',
      description: 'An invoice was paid in full',
      schema: amountSchema,
      example: { amount: 99 },
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));

    const refused = await acme.events.publish({ eventType: 'invoice.paid', payload: { amount: 'lots' } }).catch((e) => e);
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(refused.field).toBe('payload/amount');
    await expect(acme.eventTypes.update('invoice.paid', { example: { amount: 'x' } })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'example/amount',
    });

    // Only what is given changes: the description stays, the schema goes.
    const loose = await acme.eventTypes.update('invoice.paid', { schema: null, example: null });
    expect(loose).toMatchObject({ description: 'An invoice was paid in full', schema: null, example: null });
    await expect(acme.events.publish({ eventType: 'invoice.paid', payload: { amount: 'lots' } })).resolves.toMatchObject({
      event: { payload: { amount: 'lots' } },
    });
    await expect(acme.eventTypes.update('no.such', { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('archives a type so it can no longer be published, and unarchives it', async () => {
    const { acme } = await bed.tenant();
    const { event } = await acme.events.publish({ eventType: 'invoice.paid', payload: { before: true } });
    await expect(acme.eventTypes.archive('invoice.paid')).resolves.toMatchObject({ name: 'invoice.paid', archived: true });

    const refused = await acme.events.publish({ eventType: 'invoice.paid', payload: {} }).catch((e) => e);
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventType' });
    // What was published before stays.
    await expect(acme.events.get(event.id)).resolves.toMatchObject({ eventType: 'invoice.paid', payload: { before: true } });

    await expect(acme.eventTypes.unarchive('invoice.paid')).resolves.toMatchObject({ archived: false });
    await expect(acme.events.publish({ eventType: 'invoice.paid', payload: { after: true } })).resolves.toMatchObject({
      event: { eventType: 'invoice.paid' },
    });
    await expect(acme.eventTypes.archive('no.such')).rejects.toBeInstanceOf(NotFoundError);
    await expect(acme.eventTypes.unarchive('no.such')).rejects.toBeInstanceOf(NotFoundError);
  });
});
