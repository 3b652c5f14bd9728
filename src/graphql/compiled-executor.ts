import { createRequire } from "node:module";
import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import type { DocumentNode, ExecutionResult, GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

// The schema's graphql-js is the CommonJS build that type-graphql and @apollo/subgraph load; an
// import from here would get the ES module build, whose execute() refuses that schema as "from
// another module or realm".
const { execute, getVariableValues } = createRequire(import.meta.url)(
  "graphql",
) as typeof import("graphql");

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

/**
 * Runs queries through graphql-jit, which compiles each operation once into a function that
 * resolves and completes its fields without graphql-js's per-field dispatch (argument coercion,
 * resolve info, path and promise bookkeeping). Apollo Server still parses, validates (our query
 * limits included), formats errors and serializes; only execution is replaced, through the
 * executor a gateway may supply.
 *
 * Mutations stay on graphql-js: they are not where the time goes, and graphql-jit's own variable
 * coercion skips input fields' defaults (zalando-incubator/graphql-jit#142). For the same reason
 * graphql-js coerces a query's variables first, with its own errors, and graphql-jit gets values
 * that are already complete.
 */
export function compiledExecutorGateway(schema: GraphQLSchema): Gateway {
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

  const executor: Executor = async ({ document, operation, operationName, request, context }) => {
    // What graphql-jit cannot compile, graphql-js executes (and reports) as before.
    const query = operation.operation === "query" ? compile(document, operationName) : null;
    if (!query) {
      return execute({
        schema,
        document,
        operationName,
        contextValue: context,
        variableValues: request.variables,
      }) as Promise<ExecutionResult>;
    }
    const variables = getVariableValues(
      schema,
      operation.variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (variables.errors) return { errors: variables.errors };
    return query.query(undefined, context, variables.coerced);
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {},
  };
}
