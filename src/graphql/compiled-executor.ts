import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import type {
  DocumentNode,
  ExecutionResult,
  GraphQLSchema,
  OperationDefinitionNode,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { schemaGraphql } from "./schema-realm";

const { execute, getVariableValues, GraphQLError } = schemaGraphql;

type ResultError = import("graphql").GraphQLError;
type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

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

/**
 * graphql-jit reads a field without a resolver as a plain property and does not await it, where
 * graphql-js's default resolver would. A connection's totalCount is such a property: a getter
 * that starts the count query only when asked and answers its promise (lib/pagination.ts).
 */
export function resolveConnectionCounts(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!type.name.endsWith("Connection") || !("getFields" in type)) continue;
    const totalCount = (type.getFields() as Record<string, { resolve?: unknown }>).totalCount;
    if (totalCount && !totalCount.resolve) {
      totalCount.resolve = (connection: { totalCount: Promise<number> }) => connection.totalCount;
    }
  }
}

/**
 * Apollo Server puts its `willResolveField` dispatcher on a request's context, under this
 * symbol's description, when a plugin's executionDidStart asked for field-level hooks for that
 * request (@apollo/server's utils/schemaInstrumentation.js; the symbol is not exported).
 */
const WILL_RESOLVE_FIELD = "apolloServerExecutionDispatcherWillResolveField";
let willResolveFieldSymbol: symbol | undefined;

function wantsFieldHooks(context: object): boolean {
  if (willResolveFieldSymbol) return willResolveFieldSymbol in context;
  willResolveFieldSymbol = Object.getOwnPropertySymbols(context).find(
    (symbol) => symbol.description === WILL_RESOLVE_FIELD,
  );
  return willResolveFieldSymbol !== undefined;
}

/**
 * Apollo Server's executor for every operation: Apollo parses, validates (our query limits
 * included), calls every plugin's executionDidStart and didEncounterErrors, formats each error
 * through formatError and serializes; only execution is ours, in one of two ways per request.
 *
 * - **Compiled** (the default): a query runs through graphql-jit, which compiles each operation
 *   once into a function that resolves and completes its fields without graphql-js's per-field
 *   dispatch (argument coercion, resolve info, path and promise bookkeeping). Mutations stay on
 *   graphql-js: they are not where the time goes, and graphql-jit's variable coercion skips input
 *   fields' defaults (zalando-incubator/graphql-jit#142); for the same reason graphql-js coerces a
 *   query's variables first, and graphql-jit gets values that are already complete.
 * - **Instrumented**: when a plugin asked for field-level hooks for this request (the inline
 *   trace plugin for a gateway's sampled request, `apollo-federation-include-trace: ftv1`; usage
 *   reporting or an OpenTelemetry plugin that traces fields), graphql-js executes the operation on
 *   `servedSchema`, whose fields Apollo has wrapped to call every plugin's willResolveField.
 *
 * graphql-jit compiles from `compiledSchema`, a copy with fields of its own over the same
 * resolvers: Apollo wraps the served schema's fields in place at the first instrumented request,
 * and a wrapped field would cost every compiled query after it a call and a resolve info.
 */
export function compiledExecution(servedSchema: GraphQLSchema, compiledSchema: GraphQLSchema) {
  resolveConnectionCounts(servedSchema);
  resolveConnectionCounts(compiledSchema);
  // Keyed by the parsed document, which Apollo's document store hands out again for the same
  // query text: a document it evicts takes its compiled operations with it.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  const compile = (document: DocumentNode, operationName: string | null) => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? "";
    if (!byOperation.has(key)) {
      const result = compileQuery(compiledSchema, document, operationName ?? undefined);
      byOperation.set(key, isCompiledQuery(result) ? result : null);
    }
    return byOperation.get(key)!;
  };

  const run = async (
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    operationName: string | null,
    variableValues: Record<string, unknown> | undefined,
    context: BaseContext,
  ): Promise<ExecutionResult> => {
    const instrumented = wantsFieldHooks(context);
    const query =
      !instrumented && operation?.operation === "query" ? compile(document, operationName) : null;
    // No operation (an operationName naming none, or several operations and no name): graphql-js
    // answers why, and Apollo turns that into OPERATION_RESOLUTION_FAILURE (400).
    if (!query) {
      return execute({
        schema: instrumented ? servedSchema : compiledSchema,
        document,
        operationName,
        contextValue: context,
        variableValues,
      }) as Promise<ExecutionResult>;
    }
    const variables = getVariableValues(
      compiledSchema,
      operation!.variableDefinitions ?? [],
      variableValues ?? {},
    );
    if (variables.errors) return { errors: variables.errors };
    const result = (await query.query(undefined, context, variables.coerced)) as ExecutionResult;
    return result.errors ? { ...result, errors: withExtensions(result.errors) } : result;
  };

  // Without an operation Apollo's operationName is null; graphql-js needs the one asked for, to
  // say that it names no operation.
  const executor: Executor = ({ document, operation, operationName, request, context }) =>
    run(
      document,
      operation,
      operation ? operationName : (request.operationName ?? null),
      request.variables,
      context,
    );

  const gateway: Gateway = {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: servedSchema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {},
  };
  return gateway;
}
