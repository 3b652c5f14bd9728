import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "drizzle-orm/logger";

/**
 * Counts the SQL statements one request makes. The tally rides on AsyncLocalStorage so that
 * DataLoader batches, which run after the resolver that queued them, still count toward it.
 */
export interface StatementTally {
  statements: number;
}

const currentTally = new AsyncLocalStorage<StatementTally>();

export function withStatementTally<T>(tally: StatementTally, run: () => T): T {
  return currentTally.run(tally, run);
}

/** The tally of the request whose work is running, if it counts statements. */
export function currentStatementTally(): StatementTally | undefined {
  return currentTally.getStore();
}

/** Transaction control: PGlite runs it outside drizzle's logger, so neither driver counts it. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

export const statementCountingLogger: Logger = {
  logQuery(query) {
    const tally = currentTally.getStore();
    if (tally && !TRANSACTION_CONTROL.test(query)) tally.statements += 1;
  },
};
