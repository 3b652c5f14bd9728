import { DateTimeResolver, JSONResolver } from "graphql-scalars";

/** `DateTime` (ISO 8601, UTC) for every Date field, as API.md names it. */
export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;

export const scalarsMap = [{ type: Date, scalar: DateTimeScalar }];
