import type { Logger } from "drizzle-orm/logger";
import { currentRequest } from "../lib/request-scope";

/** Transaction control: PGlite runs it outside drizzle's logger, so neither driver counts it. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

/**
 * Counts the SQL statements each request makes, on its scope (lib/request-scope.ts), which rides
 * on AsyncLocalStorage so that DataLoader batches, run after the resolver that queued them, still
 * count toward it. Statements sent outside drizzle (db/fixed-statements.ts) are not counted.
 */
export const statementCountingLogger: Logger = {
  logQuery(query) {
    const scope = currentRequest();
    if (scope && !TRANSACTION_CONTROL.test(query)) scope.sqlStatements += 1;
  },
};
