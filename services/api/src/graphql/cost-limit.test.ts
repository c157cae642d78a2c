import { readdirSync, readFileSync } from 'node:fs';
import { typeDefs } from '@acme/schema/graphql';
import { buildSchema, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_COST, operationCost } from './cost-limit.ts';

const schema = buildSchema(typeDefs);

function cost(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return operationCost(schema, document, operation, variables);
}

const nestedBodies = `query($n: Int) { events(first: $n) { edges { node { deliveries { attempts { requestBody } } } } } }`;

describe('operationCost', () => {
  it('multiplies by first given as a variable, as a literal, or by the default page', () => {
    const byVariable = cost('query($n: Int) { events(first: $n) { edges { node { id } } } }', { n: 100 });
    expect(byVariable).toBe(cost('{ events(first: 100) { edges { node { id } } } }'));
    expect(byVariable).toBeGreaterThan(4 * cost('{ events { edges { node { id } } } }'));
    expect(cost('query($n: Int = 100) { events(first: $n) { edges { node { id } } } }')).toBe(byVariable);
  });

  it('counts lists without arguments (deliveries of an event, attempts of a delivery) as several items', () => {
    expect(cost('{ event(id: "e") { deliveries { attempts { outcome } } } }')).toBeGreaterThan(
      50 * cost('{ event(id: "e") { id } }'),
    );
  });

  it('prices nested request bodies under a page of events over the limit, whatever carries the page size', () => {
    expect(cost(nestedBodies, { n: 100 })).toBeGreaterThan(MAX_QUERY_COST);
    expect(cost('{ events(first: 5) { edges { node { deliveries { attempts { requestBody } } } } } }')).toBeGreaterThan(
      MAX_QUERY_COST,
    );
    expect(cost('{ deliveries(first: 100) { edges { node { attempts { requestBody } } } } }')).toBeGreaterThan(MAX_QUERY_COST);
  });

  it("keeps one delivery's request bodies, and one event's by the page, under the limit", () => {
    expect(cost('{ delivery(id: "d") { attempts { requestBody requestHeaders responseBody } } }')).toBeLessThan(MAX_QUERY_COST);
    expect(
      cost(
        '{ event(id: "e") { payload deliveries(first: 10) { lastAttempt { requestBody } attempts(first: 10) { requestBody } } } }',
      ),
    ).toBeLessThan(MAX_QUERY_COST);
  });

  it("counts an event's deliveries and a delivery's attempts by their first, else by their schema default", () => {
    const attempts = (args: string) => cost(`{ delivery(id: "d") { attempts${args} { outcome } } }`);
    expect(attempts('')).toBe(attempts('(first: 20)'));
    expect(attempts('(first: 100)')).toBe(5 * attempts('(first: 20)') - 4);
    const deliveries = (args: string) => cost(`{ event(id: "e") { deliveries${args} { id } } }`);
    expect(deliveries('')).toBe(deliveries('(first: 50)'));
    expect(cost('query($n: Int) { event(id: "e") { deliveries(first: $n) { id } } }', { n: 3 })).toBe(deliveries('(first: 3)'));
    // One event's every delivery with every attempt's body: refused, where a page of each passes.
    expect(cost('{ event(id: "e") { deliveries { attempts { requestBody } } } }')).toBeGreaterThan(MAX_QUERY_COST);
  });

  // The SDK (and the portal, which talks only through it) must never meet the limit, at its largest page.
  const sdkDir = new URL('../../../../sdk/graphql/', import.meta.url);
  const sdkSource = readdirSync(sdkDir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(new URL(f, sdkDir), 'utf8'))
    .join('\n');
  const sdkDocument = parse(sdkSource);
  const operations = sdkDocument.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it.each(operations.map((o) => [o.name?.value ?? '?', o] as const))(
    'fits the SDK operation %s with first: 100',
    (_, operation) => {
      expect(operationCost(schema, sdkDocument, operation, { first: 100 })).toBeLessThanOrEqual(MAX_QUERY_COST);
    },
  );
});
