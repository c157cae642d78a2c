import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';

// Structural checks, not graphql's isObjectType/isListType: Apollo hands over a schema built by its
// own (CommonJS) copy of graphql, which instanceof checks from our (ESM) copy refuse.
const fieldsOf = (type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> | null =>
  'getFields' in type && !('getTypes' in type) ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>) : null;
const isList = (type: GraphQLType) => String(type).replace(/!$/, '').startsWith('[');
function namedType(type: GraphQLType): GraphQLNamedType {
  let t: GraphQLType = type;
  while ('ofType' in t && t.ofType) t = t.ofType as GraphQLType;
  return t as GraphQLNamedType;
}

/**
 * The most values one operation may ask for, counted before it runs: each field is 1, a list
 * multiplies what is under it by its size (`first`, a literal or a variable, else the argument's
 * schema default, else 20; lists without `first`: the size assumed below), and big fields weigh more. graphql-armor's cost limit multiplies only by
 * literal `first` and counts lists without arguments as one item, so `events(first: $n)` over
 * deliveries and attempts, each with its request body, priced as a handful of fields.
 */
export const MAX_QUERY_COST = 50_000;

const DEFAULT_PAGE = 20;
/** Lists without `first`: what one usually holds (attempts follow a retry schedule, fan-out the endpoints). */
const ASSUMED_LIST_SIZES: Record<string, number> = {
  'PublishEventPayload.deliveries': 10,
  'PublishEventsPayload.results': 100,
  'DeliveryStats.buckets': 60,
  'Query.eventTypes': 100,
};
const ASSUMED_LIST_SIZE = 10;
/**
 * Fields that carry a whole event payload (up to 256 KiB by default) rather than a short value. A
 * request body is built once per event but sent with every attempt: at most 200 of them fit in one operation.
 */
const FIELD_WEIGHTS: Record<string, number> = {
  'DeliveryAttempt.requestBody': 250,
  'Event.payload': 100,
};

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;
  const variableValues = { ...defaultVariables(operation), ...variables };

  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += costOf(selection.selectionSet, on ?? parent);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && on) cost += costOf(fragment.selectionSet, on);
        continue;
      }
      const name = selection.name.value;
      const field = name.startsWith('__') ? undefined : fieldsOf(parent)?.[name];
      if (!field) continue;
      const key = `${parent.name}.${name}`;
      let fieldCost = FIELD_WEIGHTS[key] ?? 1;
      if (selection.selectionSet) fieldCost += costOf(selection.selectionSet, namedType(field.type));
      const first = selection.arguments?.find((a) => a.name.value === 'first');
      const firstArg = field.args.find((a) => a.name === 'first');
      if (firstArg) {
        // Unsaid, a list holds what its schema default says (a delivery's attempts: 20), else a page.
        const value = first ? valueFromASTUntyped(first.value, variableValues) : firstArg.defaultValue;
        fieldCost *= typeof value === 'number' && value > 0 ? value : DEFAULT_PAGE;
      } else if (isList(field.type) && selection.selectionSet && !parent.name.endsWith('Connection')) {
        // A connection's edges are already counted by its `first`.
        fieldCost *= ASSUMED_LIST_SIZES[key] ?? ASSUMED_LIST_SIZE;
      }
      cost += fieldCost;
    }
    return cost;
  };
  return costOf(operation.selectionSet, root);
}

function defaultVariables(operation: OperationDefinitionNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) out[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
  return out;
}

/** Refuses, before any resolver runs, an operation whose cost (with its variables) is over MAX_QUERY_COST. */
export function costLimitPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables ?? {});
          if (cost > MAX_QUERY_COST) {
            throw new GraphQLError(
              `Query cost limit of ${MAX_QUERY_COST} exceeded, found ${cost}: ask for smaller pages (first), fewer nested lists, or request bodies of one delivery at a time.`,
              { extensions: { code: 'BAD_USER_INPUT', limit: MAX_QUERY_COST, cost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
