import { AUDIT_ACTIONS } from '@acme/core';
import { typeDefs } from '@acme/schema/graphql';
import { buildSchema, GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';

describe('the AuditAction enum', () => {
  it('names exactly the actions core records, so that clients can list and label every one', () => {
    const type = buildSchema(typeDefs).getType('AuditAction');
    expect(type).toBeInstanceOf(GraphQLEnumType);
    expect((type as GraphQLEnumType).getValues().map((v) => v.name)).toEqual([...AUDIT_ACTIONS]);
  });
});
