import { AcmeWebhooks, type AcmeWebhooksOptions, type DeliveryWithAttempts } from '@acme/webhooks-sdk';
import type { TestGateway } from '../../support/gateway.ts';

/** The SDK as a customer builds it, pointed at the test gateway. */
export function sdk(gateway: TestGateway, apiKey: string, options: Partial<AcmeWebhooksOptions> = {}): AcmeWebhooks {
  return new AcmeWebhooks({ apiKey, baseUrl: gateway.url, ...options });
}

/** Polls `deliveries.get` until `done` says so (the worker records asynchronously). */
export async function waitForDelivery(
  acme: AcmeWebhooks,
  id: string,
  done: (delivery: DeliveryWithAttempts) => boolean,
  timeoutMs = 30_000,
): Promise<DeliveryWithAttempts> {
  const deadline = Date.now() + timeoutMs;
  let last: DeliveryWithAttempts | undefined;
  while (Date.now() < deadline) {
    last = await acme.deliveries.get(id);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Delivery ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
}
