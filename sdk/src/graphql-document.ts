// What `acme.graphql()` accepts: a string, a TypedDocumentString (what our codegen emits), or a
// DocumentNode / TypedDocumentNode (graphql-tag, `graphql`'s parse, codegen's AST mode). ASTs are
// printed here rather than with `graphql`'s printer so the SDK keeps no run-time dependency.
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

interface AstNode {
  readonly kind: string;
  readonly [key: string]: any;
}

/** Any GraphQL document the client can send; its type parameters carry the result and variables. */
export type GraphQLDocument<TResult = unknown, TVariables = Record<string, unknown>> =
  | string
  | DocumentTypeDecoration<TResult, TVariables>
  // An untyped DocumentNode (graphql-tag's gql): it has none of DocumentTypeDecoration's members.
  | { readonly kind: string; readonly definitions: readonly unknown[] };

export function documentSource(document: GraphQLDocument<any, any>): string {
  if (typeof document === 'string') return document;
  if (document instanceof String) return document.toString();
  const node = document as AstNode;
  if (node.kind !== 'Document')
    throw new TypeError('acme.graphql() takes a GraphQL string, TypedDocumentString or DocumentNode.');
  const body = node.loc?.source?.body;
  return typeof body === 'string' ? body : printDocument(node);
}

/** True when the document holds only queries: those are safe to retry; mutations are not. */
export function isQueryOnly(source: string): boolean {
  let depth = 0;
  for (const token of topLevelTokens(source)) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0 && (token === 'mutation' || token === 'subscription')) return false;
  }
  return true;
}

/** Braces and words outside strings and comments. */
function* topLevelTokens(source: string): Generator<string> {
  const pattern = /"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|#[^\n]*|[{}]|[_A-Za-z][_0-9A-Za-z]*/g;
  for (const [token] of source.matchAll(pattern)) {
    if (token.startsWith('"') || token.startsWith('#')) continue;
    yield token;
  }
}

function printDocument(document: AstNode): string {
  return document.definitions.map(printNode).join('\n\n');
}

function printNode(node: AstNode): string {
  switch (node.kind) {
    case 'OperationDefinition': {
      const variables = node.variableDefinitions?.length ? `(${node.variableDefinitions.map(printNode).join(', ')})` : '';
      const directives = printDirectives(node.directives);
      const shorthand = node.operation === 'query' && !node.name && !variables && !directives;
      const head = shorthand ? '' : `${node.operation}${node.name ? ` ${node.name.value}` : ' '}${variables}${directives} `;
      return head + printNode(node.selectionSet);
    }
    case 'FragmentDefinition':
      return `fragment ${node.name.value} on ${node.typeCondition.name.value}${printDirectives(node.directives)} ${printNode(node.selectionSet)}`;
    case 'VariableDefinition':
      return `$${node.variable.name.value}: ${printNode(node.type)}${node.defaultValue ? ` = ${printNode(node.defaultValue)}` : ''}${printDirectives(node.directives)}`;
    case 'SelectionSet':
      return `{ ${node.selections.map(printNode).join(' ')} }`;
    case 'Field': {
      const alias = node.alias ? `${node.alias.value}: ` : '';
      const selections = node.selectionSet ? ` ${printNode(node.selectionSet)}` : '';
      return `${alias}${node.name.value}${printArguments(node.arguments)}${printDirectives(node.directives)}${selections}`;
    }
    case 'FragmentSpread':
      return `...${node.name.value}${printDirectives(node.directives)}`;
    case 'InlineFragment': {
      const condition = node.typeCondition ? ` on ${node.typeCondition.name.value}` : '';
      return `...${condition}${printDirectives(node.directives)} ${printNode(node.selectionSet)}`;
    }
    case 'Directive':
      return `@${node.name.value}${printArguments(node.arguments)}`;
    case 'Argument':
    case 'ObjectField':
      return `${node.name.value}: ${printNode(node.value)}`;
    case 'NamedType':
      return node.name.value;
    case 'ListType':
      return `[${printNode(node.type)}]`;
    case 'NonNullType':
      return `${printNode(node.type)}!`;
    case 'Variable':
      return `$${node.name.value}`;
    case 'IntValue':
    case 'FloatValue':
    case 'EnumValue':
      return node.value;
    case 'StringValue':
      // JSON's string escapes are a subset of GraphQL's.
      return JSON.stringify(node.value);
    case 'BooleanValue':
      return node.value ? 'true' : 'false';
    case 'NullValue':
      return 'null';
    case 'ListValue':
      return `[${node.values.map(printNode).join(', ')}]`;
    case 'ObjectValue':
      return `{${node.fields.map(printNode).join(', ')}}`;
    default:
      throw new TypeError(`Cannot print a GraphQL ${node.kind} node.`);
  }
}

function printArguments(args: readonly AstNode[] | undefined): string {
  return args?.length ? `(${args.map(printNode).join(', ')})` : '';
}

function printDirectives(directives: readonly AstNode[] | undefined): string {
  return directives?.length ? ` ${directives.map(printNode).join(' ')}` : '';
}
