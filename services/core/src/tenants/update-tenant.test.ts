import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../testing/fixtures.ts';
import { createTenant } from './create-tenant.ts';
import { updateTenant } from './update-tenant.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('updateTenant', () => {
  it('renames, sets limits, and puts a limit back to the default with null', async () => {
    const { tenant } = await createTenant(database.db, { name: 'Before', limits: { publishBurst: 9 } });
    const updated = await updateTenant(database.db, tenant.id, {
      name: 'After',
      retrySchedule: '0s,1m',
      limits: { publishRatePerSecond: 50, publishBurst: null },
    });
    expect(updated).toMatchObject({ name: 'After', retrySchedule: '0s,1m', publishRatePerSecond: 50, publishBurst: null });
    const reset = await updateTenant(database.db, tenant.id, { retrySchedule: '' });
    expect(reset).toMatchObject({ name: 'After', retrySchedule: null, publishRatePerSecond: 50 });
  });

  it('answers NOT_FOUND for an unknown tenant and BAD_USER_INPUT for bad limits', async () => {
    await expect(updateTenant(database.db, 'tnt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S', { name: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const { tenant } = await createTenant(database.db, { name: 'x' });
    await expect(updateTenant(database.db, tenant.id, { limits: { maxPayloadBytes: 10 } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
