import { sample } from 'openapi-sampler';

/** The built-in type of test events to an endpoint that receives every type. */
export const TEST_EVENT_TYPE = 'webhook.test';
export const FIXED_TEST_PAYLOAD = { message: 'A test event from Acme Webhooks.', test: true };

/** The type's own example, else one made from its JSON Schema, else null. Never throws. */
export function examplePayload(type: { example: unknown; schema: unknown } | null | undefined): unknown {
  if (!type) return null;
  if (type.example !== null && type.example !== undefined) return type.example;
  if (!type.schema || typeof type.schema !== 'object') return null;
  try {
    return sample(type.schema as never, { skipReadOnly: true, quiet: true, maxSampleDepth: 8 }) ?? null;
  } catch {
    return null;
  }
}
