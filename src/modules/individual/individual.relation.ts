import type { RequestContext } from "../../context";
import type { IndividualRow } from "../../db/schema";
import type { MaybePromise } from "../../lib/loader";

/**
 * `individual` on the rows that name one by `individualId` (Reaction, ReadReceipt), as
 * a plain graphql-js resolver that schema.ts adds to those types. These fields resolve hundreds of
 * times per inbox or channel page, and type-graphql's resolver wrapper (a sorted copy of the
 * parameter list, the middleware chain) allocated a sixth of the inbox's memory for them.
 */
export function individualOf(
  row: { individualId: string },
  _args: unknown,
  { loaders }: RequestContext,
): MaybePromise<IndividualRow | null> {
  return loaders.individual.individualById.loadValue(row.individualId);
}
