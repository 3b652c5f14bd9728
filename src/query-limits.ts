import type { BaseContext } from "@apollo/server";
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from "graphql";
import type { LimitConfig } from "./config";
import { QueryTooComplexError } from "./lib/errors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./lib/pagination";
import { DONE, type RequestHooks } from "./graphql/plugin-hooks";
import { schemaGraphql } from "./graphql/schema-realm";

const { getNamedType, getNullableType, isCompositeType, isListType } = schemaGraphql;

/** Deep enough for every real query of the graph (inbox → lastMessage → author → …). */
export const MAX_QUERY_DEPTH = 12;
/** Field selections in one document, counting every fragment spread where it is used. */
export const MAX_QUERY_FIELDS = 2_000;
/** The size assumed for a list that takes no page size (subscribers, reactions, participants). */
export const ASSUMED_LIST_SIZE = DEFAULT_PAGE_SIZE;

/** What one operation would cost: the shape's depth and width, and the work it asks for. */
export interface OperationCost {
  depth: number;
  fields: number;
  cost: number;
}

type Variables = OperationDefinitionNode["variableDefinitions"];

/** An Int literal, or a variable's Int default; null when the size is only known at run time. */
function intValue(value: ValueNode | undefined, variables: Variables): number | null {
  if (value?.kind === Kind.INT) return Number(value.value);
  if (value?.kind === Kind.VARIABLE) {
    const definition = variables?.find((v) => v.variable.name.value === value.name.value);
    return definition?.defaultValue?.kind === Kind.INT
      ? Number(definition.defaultValue.value)
      : null;
  }
  return null;
}

/**
 * The rows a list field may answer: a connection's `first`/`last` (a variable counts as the
 * largest page, since validation runs before variables are known), `_entities`' representations,
 * and ASSUMED_LIST_SIZE for other lists. Out-of-range sizes are clamped: pagination refuses them
 * with BAD_USER_INPUT, which says more than a cost would.
 */
function listSize(node: FieldNode, field: GraphQLField<unknown, unknown>, variables: Variables) {
  const arg = (name: string) => node.arguments?.find((a) => a.name.value === name)?.value;
  const isPaged = field.args.some((a) => a.name === "first" || a.name === "last");
  if (isPaged) {
    const given = [arg("first"), arg("last")].filter((value) => value !== undefined);
    if (given.length === 0) return DEFAULT_PAGE_SIZE;
    const sizes = given.map((value) => intValue(value, variables) ?? MAX_PAGE_SIZE);
    return Math.min(MAX_PAGE_SIZE, Math.max(0, ...sizes));
  }
  const representations = arg("representations");
  if (representations?.kind === Kind.LIST) return representations.values.length;
  return representations ? MAX_PAGE_SIZE : ASSUMED_LIST_SIZE;
}

/**
 * Measures one operation. A field costs the number of times it resolves: one for each object of
 * the lists around it. A list costs its rows as well (a connection its page, whether or not its
 * nodes are selected, and its nodes again), and multiplies everything selected below it. Every
 * alias is a field of its own. Introspection costs nothing here: graphql-js's
 * MaxIntrospectionDepthRule bounds it, and it reads no rows. Stops as soon as a limit is passed.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: { maxQueryCost: number },
): OperationCost {
  const fragments = new Map<string, SelectionSetNode>();
  const fragmentTypes = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition.selectionSet);
      fragmentTypes.set(definition.name.value, definition.typeCondition.name.value);
    }
  }
  const variables = operation.variableDefinitions;
  const result: OperationCost = { depth: 0, fields: 0, cost: 0 };
  const over = () =>
    result.fields > MAX_QUERY_FIELDS ||
    result.depth > MAX_QUERY_DEPTH ||
    result.cost > limits.maxQueryCost;
  const typeNamed = (name: string | undefined, fallback: GraphQLCompositeType | undefined) => {
    const type = name ? schema.getType(name) : undefined;
    return type && isCompositeType(type) ? type : fallback;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    times: number,
    depth: number,
    pageSize: number,
    seen: Set<string>,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (over()) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = typeNamed(selection.typeCondition?.name.value, parent);
        walk(selection.selectionSet, type, times, depth, pageSize, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const type = typeNamed(fragmentTypes.get(name), parent);
        walk(fragment, type, times, depth, pageSize, new Set(seen).add(name));
        continue;
      }
      result.fields += 1;
      result.depth = Math.max(result.depth, depth);
      const field =
        parent && "getFields" in parent ? parent.getFields()[selection.name.value] : undefined;
      // Introspection is measured for depth and width, and free of cost below it.
      const each = selection.name.value.startsWith("__") ? 0 : times;
      result.cost += each;
      let below = each;
      let childPageSize = pageSize;
      if (field) {
        const isPaged = field.args.some((a) => a.name === "first" || a.name === "last");
        const isList = isListType(getNullableType(field.type));
        // A connection's nodes and edges are as long as the page its field asked for.
        const inConnection = parent?.name.endsWith("Connection") && isList;
        const size = inConnection ? pageSize : listSize(selection, field, variables);
        if (isPaged) {
          result.cost += each * size;
          childPageSize = size;
        } else if (isList) {
          result.cost += each * size;
          below = each * size;
        }
      }
      if (selection.selectionSet) {
        const type = field ? getNamedType(field.type) : undefined;
        const child = type && isCompositeType(type) ? type : undefined;
        walk(selection.selectionSet, child, below, depth + 1, childPageSize, seen);
      }
    }
  };

  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  walk(operation.selectionSet, root ?? undefined, 1, 1, DEFAULT_PAGE_SIZE, new Set());
  return result;
}

function refusal(measured: OperationCost, limits: LimitConfig): QueryTooComplexError | null {
  if (measured.depth > MAX_QUERY_DEPTH) {
    return new QueryTooComplexError(`Query depth exceeds the limit of ${MAX_QUERY_DEPTH}`, {
      depth: measured.depth,
      limit: MAX_QUERY_DEPTH,
    });
  }
  if (measured.fields > MAX_QUERY_FIELDS) {
    return new QueryTooComplexError(`Query selects more than ${MAX_QUERY_FIELDS} fields`, {
      limit: MAX_QUERY_FIELDS,
    });
  }
  if (measured.cost > limits.maxQueryCost) {
    return new QueryTooComplexError(
      `Query cost ${measured.cost} exceeds the limit of ${limits.maxQueryCost}`,
      { cost: measured.cost, limit: limits.maxQueryCost },
    );
  }
  return null;
}

/**
 * Each validated operation's cost, for the access log: Apollo validates a document once and hands
 * out the same parsed document for the same query text after that, its operations included.
 */
const operationCosts = new WeakMap<OperationDefinitionNode, number>();

export function costOf(operation: OperationDefinitionNode): number | undefined {
  return operationCosts.get(operation);
}

/** graphql-js's own error when it stops validating at `maxErrors`. */
const VALIDATION_ABORTED = /^Too many validation errors/;

/**
 * Refuses a document over the depth, width or cost limits as validation starts (on the document
 * itself, before any other rule has visited a selection): a document built to be expensive costs
 * one walk of its syntax tree. graphql-js's other rules can take most of a second on such a
 * document, so the rule reports its error twice: with Apollo's `validationOptions.maxErrors` at 1
 * the second report stops validation at once. `queryLimitsHooks` drop graphql-js's "Too many
 * validation errors" from that answer, which would only repeat it.
 */
export function queryLimitsRule(limits: LimitConfig): ValidationRule {
  return (context) => ({
    Document(document) {
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const measured = measureOperation(context.getSchema(), document, definition, limits);
        operationCosts.set(definition, measured.cost);
        const error = refusal(measured, limits);
        if (error) {
          context.reportError(error);
          context.reportError(error); // graphql-js throws here, ending validation
          return;
        }
      }
    },
  });
}

export function queryLimitsHooks(): RequestHooks<BaseContext> {
  return {
    willSendResponse({ response }) {
      if (response.body.kind !== "single") return DONE;
      const { errors } = response.body.singleResult;
      if (errors?.some((error) => error.extensions?.code === "QUERY_TOO_COMPLEX")) {
        response.body.singleResult.errors = errors.filter(
          (error) => !VALIDATION_ABORTED.test(error.message),
        );
      }
      return DONE;
    },
  };
}
