import { AcmeWebhooks, type AcmeWebhooksOptions, type DeliveryWithAttempts } from '@acme/webhooks-sdk';
import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, type Responder, startReceiver } from '../../support/receiver.ts';
import { createTenantWithEventType } from '../../support/scenario.ts';

/** The SDK as a customer builds it, pointed at the test gateway. */
export function sdk(gateway: TestGateway, apiKey: string, options: Partial<AcmeWebhooksOptions> = {}): AcmeWebhooks {
  return new AcmeWebhooks({ apiKey, baseUrl: gateway.url, ...options });
}

export interface SdkTestBed {
  readonly gateway: TestGateway;
  /** The SDK with the operator key. */
  operator(options?: Partial<AcmeWebhooksOptions>): AcmeWebhooks;
  /** The SDK with any key (a tenant key, a portal session token). */
  sdk(apiKey: string, options?: Partial<AcmeWebhooksOptions>): AcmeWebhooks;
  /** A fresh tenant (one event type, invoice.paid) and an SDK client holding its first key. */
  tenant(options?: Partial<AcmeWebhooksOptions>): Promise<{ acme: AcmeWebhooks; tenantId: string; token: string }>;
  /** A receiver on loopback, closed after the file. */
  receiver(respond?: Responder): Promise<Receiver>;
}

/** One test gateway (API + worker on real Postgres and Temporal) for the file, and receivers closed after it. */
export function sdkTestBed(env: Record<string, string> = {}, options: { worker?: boolean } = {}): SdkTestBed {
  let gateway: TestGateway | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    gateway = await startTestGateway(env, options);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await gateway?.stop();
  });
  const started = () => {
    if (!gateway) throw new Error('The test gateway has not started.');
    return gateway;
  };
  return {
    get gateway() {
      return started();
    },
    operator: (clientOptions) => sdk(started(), started().adminKey, clientOptions),
    sdk: (apiKey, clientOptions) => sdk(started(), apiKey, clientOptions),
    async tenant(clientOptions) {
      const { token, tenantId } = await createTenantWithEventType(started());
      return { acme: sdk(started(), token, clientOptions), tenantId, token };
    },
    async receiver(respond) {
      const receiver = await startReceiver(respond);
      receivers.push(receiver);
      return receiver;
    },
  };
}

/** Polls `deliveries.get` until `done` says so (the worker records asynchronously). */
export async function waitForDelivery(
  acme: AcmeWebhooks,
  id: string,
  done: (delivery: DeliveryWithAttempts) => boolean,
  timeoutMs = 30_000,
): Promise<DeliveryWithAttempts> {
  return waitFor(() => acme.deliveries.get(id), done, `Delivery ${id}`, timeoutMs);
}

/** Polls `read` until `done` says so; fails with the last value seen after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
}

/** A fetch that counts the requests it passes on to the real one. */
export function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}
