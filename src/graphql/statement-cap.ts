import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { QueryTooComplexError } from "../lib/errors";
import { schemaGraphql } from "./schema-realm";

const { defaultFieldResolver, isObjectType } = schemaGraphql;

/**
 * The backstop behind the cost limit (query-limits.ts): a request may start at most `limit`
 * database reads of its own, counted where a field starts one — each root field (aliases
 * included), each connection page and each totalCount. Relations read through the request's
 * loaders are batched, one statement per shape, so the cost limit bounds them already. Past the
 * limit every such field answers QUERY_TOO_COMPLEX at once, so the rest of the request costs
 * nothing more. Counted on the request's context (`startedReads`), without AsyncLocalStorage
 * (which costs every promise on Node 20) or a WeakMap keyed by context (which every young-
 * generation GC has to walk).
 */
export function capStatements(schema: GraphQLSchema, limit: number): void {
  type Counted = { startedReads: number };
  const counted =
    (resolve: GraphQLFieldResolver<unknown, Counted>): GraphQLFieldResolver<unknown, Counted> =>
    (source, args, context, info) => {
      if (++context.startedReads > limit) {
        throw new QueryTooComplexError(`The request would make more than ${limit} SQL statements`, {
          limit,
        });
      }
      return resolve(source, args, context, info);
    };
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const isConnection = type.name.endsWith("Connection");
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith("_") && roots.has(type) && field.name !== "_entities") continue;
      const startsRead =
        roots.has(type) ||
        (isConnection && field.name === "totalCount") ||
        field.args.some((arg) => arg.name === "first" || arg.name === "last");
      if (startsRead) field.resolve = counted(field.resolve ?? defaultFieldResolver);
    }
  }
}
