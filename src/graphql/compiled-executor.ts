import {
  HeaderMap,
  type ApolloServerOptionsWithGateway,
  type ApolloServerPlugin,
  type BaseContext,
  type GraphQLRequestListener,
} from "@apollo/server";
import type {
  DocumentNode,
  ExecutionResult,
  GraphQLSchema,
  OperationDefinitionNode,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { schemaGraphql } from "./schema-realm";

const { execute, getVariableValues, GraphQLError } = schemaGraphql;

/**
 * graphql-jit's errors have no `extensions` unless their original error had some, and Apollo's
 * error formatting reads `extensions.code` of every error: an uncoded resolver error (a database
 * connection lost, say) would fail the formatting itself and answer a bare INTERNAL_SERVER_ERROR
 * without reaching formatError. Such errors become graphql-js's, their original kept.
 */
function withExtensions(errors: ReadonlyArray<ResultError>): ResultError[] {
  return errors.map((error) => {
    if (error.extensions) return error;
    const copy = new GraphQLError(error.message, {
      path: error.path,
      originalError: error.originalError ?? undefined,
    });
    if (error.locations) Object.assign(copy, { locations: error.locations });
    return copy;
  });
}

type ResultError = import("graphql").GraphQLError;

/**
 * graphql-jit reads a field without a resolver as a plain property and does not await it, where
 * graphql-js's default resolver would. A connection's totalCount is such a property: a getter
 * that starts the count query only when asked and answers its promise (lib/pagination.ts).
 */
function resolveConnectionCounts(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!type.name.endsWith("Connection") || !("getFields" in type)) continue;
    const totalCount = (type.getFields() as Record<string, { resolve?: unknown }>).totalCount;
    if (totalCount && !totalCount.resolve) {
      totalCount.resolve = (connection: { totalCount: Promise<number> }) => connection.totalCount;
    }
  }
}

type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

/** An operation's result that had errors, kept for Apollo's execution step to answer. */
const settled = new WeakMap<object, ExecutionResult>();

/**
 * Runs queries through graphql-jit, which compiles each operation once into a function that
 * resolves and completes its fields without graphql-js's per-field dispatch (argument coercion,
 * resolve info, path and promise bookkeeping). Apollo Server still parses, validates (our query
 * limits included), formats errors and serializes; only execution is replaced.
 *
 * An operation that completes without errors is answered by the plugin's responseForOperation,
 * before Apollo's execution step. That step, in gateway mode, builds a request context for the
 * gateway whose `status` accessors close over Apollo's whole request context; V8's scavenger
 * keeps objects made by such literals, so every request's data (its rows, loaders and result)
 * outlived two young-generation collections and went to the old generation: 12–15 MB copied per
 * scavenge, 10–20 ms pauses, for the inbox. Everything else — a result with errors (answered
 * from `settled`, not run again) and a subscription — goes through the gateway's executor, where
 * Apollo reports and formats the errors itself.
 *
 * Mutations stay on graphql-js: they are not where the time goes, and graphql-jit's own variable
 * coercion skips input fields' defaults (zalando-incubator/graphql-jit#142). For the same reason
 * graphql-js coerces a query's variables first, with its own errors, and graphql-jit gets values
 * that are already complete.
 */
export function compiledExecution(schema: GraphQLSchema): {
  gateway: Gateway;
  plugin: ApolloServerPlugin<BaseContext>;
} {
  resolveConnectionCounts(schema);
  // Keyed by the parsed document, which Apollo's document store hands out again for the same
  // query text: a document it evicts takes its compiled operations with it.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const compile = (document: DocumentNode, operationName: string | null) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? "";
    if (!byOperation.has(key)) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      byOperation.set(key, isCompiledQuery(result) ? result : null);
    }
    return byOperation.get(key)!;
  };

  /** A query's or mutation's result: graphql-jit's when it compiled the query, else graphql-js's. */
  const run = async (
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    operationName: string | null,
    variableValues: Record<string, unknown> | undefined,
    context: BaseContext,
  ): Promise<ExecutionResult> => {
    // No operation (an operationName naming none, or several operations and no name): graphql-js
    // answers why, and Apollo turns that into OPERATION_RESOLUTION_FAILURE (400).
    const query = operation?.operation === "query" ? compile(document, operationName) : null;
    if (!query) {
      return execute({
        schema,
        document,
        operationName,
        contextValue: context,
        variableValues,
      }) as Promise<ExecutionResult>;
    }
    const variables = getVariableValues(
      schema,
      operation!.variableDefinitions ?? [],
      variableValues ?? {},
    );
    if (variables.errors) return { errors: variables.errors };
    return query.query(undefined, context, variables.coerced);
  };

  // Without an operation Apollo's operationName is null; graphql-js needs the one asked for, to
  // say that it names no operation.
  const executor: Executor = async ({ document, operation, operationName, request, context }) =>
    settled.get(context) ??
    run(
      document,
      operation,
      operation ? operationName : (request.operationName ?? null),
      request.variables,
      context,
    );

  const listener: GraphQLRequestListener<BaseContext> = {
    async responseForOperation({ document, operation, operationName, request, contextValue }) {
      if (!operation || operation.operation === "subscription") return null;
      const result = await run(document, operation, operationName, request.variables, contextValue);
      if (!result.errors) {
        return {
          http: { headers: new HeaderMap(), status: undefined },
          body: { kind: "single", singleResult: result },
        };
      }
      settled.set(contextValue, { ...result, errors: withExtensions(result.errors) });
      return null;
    },
  };
  const plugin: ApolloServerPlugin<BaseContext> = { requestDidStart: async () => listener };

  const gateway: Gateway = {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {},
  };
  return { gateway, plugin };
}
