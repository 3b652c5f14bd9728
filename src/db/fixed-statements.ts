import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Executor } from "./client";
import { statementCountingLogger } from "./statement-count";

/**
 * Types read as their text, as Drizzle's drivers read them, so a column's own mapFromDriverValue
 * (a timestamp's `new Date(text)`) gives the same value whichever path read it: timestamp,
 * timestamptz, date, interval and their arrays, and numeric[].
 */
const RAW_TEXT_TYPES = [1114, 1184, 1082, 1186, 1115, 1185, 1182, 1187, 1231];

const asText = (value: string) => value;

const PG_TYPES = {
  getTypeParser: (typeId: number, format?: "text" | "binary") =>
    RAW_TEXT_TYPES.includes(typeId) ? asText : pg.types.getTypeParser(typeId, format),
};

const PGLITE_OPTIONS = {
  rowMode: "array" as const,
  parsers: Object.fromEntries(RAW_TEXT_TYPES.map((typeId) => [typeId, asText])),
};

const dialect = new PgDialect();

/**
 * The text of a statement written with Drizzle's sql template, so that its tables and columns are
 * named from the schema, rendered once (at module load) rather than per run: each
 * sql.placeholder(…) becomes `$1`, `$2`… in order of appearance, the values queryArrays takes.
 */
export function statementText(query: SQL): string {
  return dialect.sqlToQuery(query).sql;
}

/** The driver client under Drizzle's session: a pg Pool or PoolClient, or PGlite (or its transaction). */
type DriverClient = pg.Pool | pg.ClientBase | Pick<PGlite, "query">;

/**
 * Runs a statement whose text is fixed per query shape (statementText, or text built from columns
 * rendered once), the values only in `values`, on the executor's connection (inside its
 * transaction if it is one), without Drizzle's per-run query building and row mapping; the rows
 * come back as arrays in select-list order. On real Postgres the statement runs named
 * after its text (named-statements.ts), so each connection parses and plans it once. Counted like
 * every statement Drizzle runs (statement-count.ts).
 */
export async function queryArrays(
  executor: Executor,
  text: string,
  values: unknown[],
): Promise<unknown[][]> {
  statementCountingLogger.logQuery(text, values);
  const client = (executor as unknown as { session: { client: DriverClient } }).session.client;
  if (client instanceof pg.Pool || client instanceof pg.Client) {
    // values apart from the config, as named-statements.ts expects them
    const result = await (client as pg.Pool).query<unknown[]>(
      { text, rowMode: "array", types: PG_TYPES },
      values,
    );
    return result.rows;
  }
  const result = await (client as Pick<PGlite, "query">).query<unknown[]>(
    text,
    values,
    PGLITE_OPTIONS,
  );
  return result.rows;
}
