import { DEFAULT_NESTED_LIST, MAX_NESTED_LIST } from '@acme/core';
import { typeDefs } from '@acme/schema/graphql';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';

describe('the nested lists of the schema', () => {
  it("default Event.deliveries to core's DEFAULT_NESTED_LIST, which a publish primes its loader under", () => {
    const event = buildSchema(typeDefs).getType('Event') as GraphQLObjectType;
    const first = event.getFields().deliveries?.args.find((a) => a.name === 'first');
    expect(first?.defaultValue).toBe(DEFAULT_NESTED_LIST);
  });

  it('default every nested list within the most core serves', () => {
    const delivery = buildSchema(typeDefs).getType('Delivery') as GraphQLObjectType;
    const first = delivery.getFields().attempts?.args.find((a) => a.name === 'first');
    expect(first?.defaultValue).toEqual(expect.any(Number));
    expect(first?.defaultValue as number).toBeLessThanOrEqual(MAX_NESTED_LIST);
  });
});
