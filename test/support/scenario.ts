import { expect } from 'vitest';
import type { TestGateway } from './gateway.ts';

export interface TestTenant {
  tenantId: string;
  token: string;
}

/** A new tenant (through the operator key) with one event type, `invoice.paid`. */
export async function createTenantWithEventType(gateway: TestGateway, name = 'Test tenant'): Promise<TestTenant> {
  const created = await gateway.graphql(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } apiKey { token } } }`,
    { input: { name } },
    gateway.adminKey,
  );
  expect(created.body.errors).toBeUndefined();
  const token: string = created.body.data.createTenant.apiKey.token;
  const type = await gateway.graphql(
    `mutation { createEventType(input: { name: "invoice.paid", description: "An invoice was paid" }) { name } }`,
    {},
    token,
  );
  expect(type.body.errors).toBeUndefined();
  return { tenantId: created.body.data.createTenant.tenant.id, token };
}

export async function createEndpoint(gateway: TestGateway, token: string, input: Record<string, unknown>) {
  const result = await gateway.graphql(
    `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id url } secret } }`,
    { input },
    token,
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data.createEndpoint as { endpoint: { id: string; url: string }; secret: string };
}

export async function publish(gateway: TestGateway, token: string, input: Record<string, unknown>) {
  const result = await gateway.graphql(
    `mutation($input: PublishEventInput!) { publishEvent(input: $input) { event { id createdAt } deliveries { id status } } }`,
    { input },
    token,
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data.publishEvent as {
    event: { id: string; createdAt: string };
    deliveries: { id: string; status: string }[];
  };
}

export const DELIVERY_QUERY = `query($id: ID!) { delivery(id: $id) {
  id status attemptCount nextAttemptAt completedAt
  event { id eventType }
  endpoint { id }
  attempts { attemptNumber path outcome responseStatus responseBody hint error durationMs requestHeaders }
} }`;

/** Polls the delivery until `done` says so (the worker writes asynchronously); fails after `timeoutMs`. */
export async function waitForDelivery(
  gateway: TestGateway,
  token: string,
  id: string,
  done: (d: any) => boolean,
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const result = await gateway.graphql(DELIVERY_QUERY, { id }, token);
    last = result.body.data?.delivery;
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Delivery ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
}
