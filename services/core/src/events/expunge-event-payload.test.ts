import { deliveries } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptRequestBody } from '../deliveries/attempt-request-body.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { expungeEventPayload } from './expunge-event-payload.ts';
import { getEvent } from './get-event.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('expungeEventPayload', () => {
  it('removes the payload and the request bodies rebuilt from it, keeps the event, and cancels what was still to send', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const before = (await getEvent(database.db, caller, published!.event.id))!;
    expect(attemptRequestBody(before)).toBe(
      JSON.stringify({ type: 'invoice.paid', timestamp: before.createdAt.toISOString(), data: { i: 0 } }),
    );
    const expunged = await expungeEventPayload(database.db, caller, before.id);
    expect(expunged).toMatchObject({ id: before.id, payload: null, payloadExpungedAt: expect.any(Date) });
    expect(attemptRequestBody(expunged)).toBeNull();
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.id, published!.deliveries[0]!.id));
    expect(delivery).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYLOAD_EXPUNGED' });
    expect((await expungeEventPayload(database.db, caller, before.id)).payloadExpungedAt).toEqual(expunged.payloadExpungedAt);
  });

  it("answers NOT_FOUND for another tenant's event, whose payload stays", async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 0);
    const [published] = await publishMany(database, b.tenant.id, 1);
    await expect(expungeEventPayload(database.db, a.caller, published!.event.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getEvent(database.db, b.caller, published!.event.id))!.payload).toEqual({ i: 0 });
  });
});
