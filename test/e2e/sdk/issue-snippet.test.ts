// The "Done when" of the SDK's issue: its snippet runs as written against `npm start` (the whole
// gateway on embedded defaults, in its own DATA_DIR), with real values for every name it uses and a
// real receiver on loopback. The snippet's lines are copied verbatim; only the values are ours.
import { AcmeError, AcmeWebhooks, verifyWebhook, WebhookVerificationError } from '@acme/webhooks-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmStarted, npmStart } from '../../support/npm-start.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';

let started: NpmStarted;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  started = await npmStart();
}, 180_000);

afterAll(async () => {
  await receiver?.close();
  if (started) expect(await started.stop()).toMatch(/SIGTERM|exit 0/);
});

describe('the SDK snippet of issue 5', () => {
  it('runs as written against npm start', async () => {
    const baseUrl = started.url;
    const operator = new AcmeWebhooks({ apiKey: await started.adminKey(), baseUrl });
    const apiKey = (await operator.tenants.create({ name: 'Snippet Co' })).apiKey.token;
    const name = 'invoice.paid';
    const description = 'An invoice was paid';
    const schema = {
      type: 'object',
      required: ['invoiceId', 'amount'],
      properties: { invoiceId: { type: 'string' }, amount: { type: 'integer' } },
    };
    const url = receiver.url;
    const eventTypes = [name];
    const eventType = name;
    const payload = { invoiceId: 'inv_42', amount: 4200 };
    // An event with a consumer goes only to that consumer's endpoints, and the snippet's endpoint has none.
    const consumerId = undefined;
    const idempotencyKey = 'invoice-42-paid';

    const acme = new AcmeWebhooks({ apiKey, baseUrl }); // also: fetch, timeoutMs, maxRetries
    await acme.eventTypes.create({ name, description, schema }); // list, update, archive
    const { endpoint, secret } = await acme.endpoints.create({ url, eventTypes }); // get, list, update, delete, pause, resume, rotateSecret, sendTestEvent
    const { event, deliveries } = await acme.events.publish({ eventType, payload, consumerId, idempotencyKey }); // publishBatch, get, list
    const id = deliveries[0]!.id;
    await acme.deliveries.get(id); // list, replay, retryNow
    const endpointId = endpoint.id;
    await acme.deadLetters.list({ endpointId }); // replayAll
    // biome-ignore lint/correctness/noUnusedVariables: the snippet's line, verbatim
    for await (const ep of acme.endpoints.iterate()) {
    } // every list paginates
    const query = 'query Delivered($id: ID!) { event(id: $id) { id deliveries { endpoint { id } } } }';
    const variables = { id: event.id };
    await acme.graphql(query, variables); // typed escape hatch
    const [request] = await receiver.waitFor(1);
    const rawBody = request!.body;
    const headers = request!.headers;
    {
      const payload = await verifyWebhook(secret, rawBody, headers); // throws WebhookVerificationError
      expect(payload).toEqual({ type: 'invoice.paid', timestamp: event.createdAt, data: { invoiceId: 'inv_42', amount: 4200 } });
    }

    // What the snippet did, seen from outside it.
    expect(headers['webhook-id']).toBe(event.id);
    expect(event).toMatchObject({ eventType: 'invoice.paid', payload, idempotencyKey: 'invoice-42-paid' });
    expect(deliveries).toHaveLength(1);
    const iterated = [];
    for await (const ep of acme.endpoints.iterate()) iterated.push(ep.id);
    expect(iterated).toEqual([endpoint.id]);
    await expect(acme.graphql(query, variables)).resolves.toEqual({
      event: { id: event.id, deliveries: [{ endpoint: { id: endpoint.id } }] },
    });
    await expect(acme.deadLetters.list({ endpointId })).resolves.toEqual({
      items: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    await expect(verifyWebhook(secret, `${rawBody} `, headers)).rejects.toBeInstanceOf(WebhookVerificationError);
    const refused = await acme.events.publish({ eventType, payload: { invoiceId: 42, amount: 1 } }).catch((e) => e);
    expect(refused).toBeInstanceOf(AcmeError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'payload/invoiceId' });
  });
});
