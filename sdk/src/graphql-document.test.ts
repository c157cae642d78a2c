import { type DocumentNode, parse, print, visit } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from './generated/graphql.ts';
import { documentSource, isQueryOnly } from './graphql-document.ts';

/** A DocumentNode as codegen's AST mode emits it: no `loc`, so no source text to reuse. */
function withoutLocation(document: DocumentNode): DocumentNode {
  return visit(document, { enter: (node) => ({ ...node, loc: undefined }) }) as DocumentNode;
}

const everyKind = `
  query Everything($id: ID!, $first: Int = 10, $filter: EndpointFilter = { status: ACTIVE, search: "a \\"quoted\\" \\n line" }, $list: [String!]! @deprecated) @live {
    alias: endpoint(id: $id) { id ...Fields @include(if: true) ... on Endpoint { url } ... @skip(if: false) { status } }
    endpoints(first: $first, filter: { eventType: "x", consumerId: null }, after: "c") { edges { node { id } } }
    floats: deliveryStats(filter: { bucket: HOUR }) { successRate }
    list: eventTypes(includeArchived: false) { name }
  }
  fragment Fields on Endpoint @dir(values: [1, 2.5, -3e2, true]) { description }
  mutation { deleteEndpoint(id: "ep") }
  { viewer { isOperator } }
`;

describe('documentSource', () => {
  it('prints a DocumentNode without source text to the same document graphql-js prints', () => {
    const document = withoutLocation(parse(everyKind));
    expect(print(parse(documentSource(document)))).toBe(print(document));
  });

  it('prints every operation the SDK generates to the same document', () => {
    for (const [name, value] of Object.entries(generated)) {
      if (!name.endsWith('Document')) continue;
      const document = withoutLocation(parse(String(value)));
      expect(print(parse(documentSource(document))), name).toBe(print(document));
    }
  });

  it('sends the source text as written when the DocumentNode has it', () => {
    expect(documentSource(parse('{ viewer { isOperator } }'))).toBe('{ viewer { isOperator } }');
    expect(documentSource(generated.ViewerDocument)).toBe(generated.ViewerDocument.toString());
  });

  it('refuses what is not a document', () => {
    expect(() => documentSource({ kind: 'Field' } as never)).toThrow(TypeError);
  });
});

describe('isQueryOnly', () => {
  it.each([
    ['{ viewer { isOperator } }', true],
    ['query Q { mutation: viewer { isOperator } }', true],
    ['# mutation in a comment\nquery { a(text: "mutation") }', true],
    ['mutation { deleteEndpoint(id: "x") }', false],
    ['fragment F on Endpoint { id }\nmutation M { updateEndpoint(id: "x", input: {}) { ...F } }', false],
    ['subscription { x }', false],
  ])('%j → %s', (source, expected) => {
    expect(isQueryOnly(source)).toBe(expected);
  });
});
