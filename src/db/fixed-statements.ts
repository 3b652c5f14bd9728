import type { PGlite } from "@electric-sql/pglite";
import { is, Param, Placeholder, type SQL } from "drizzle-orm";
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

const UUID_ARRAY = 2951;
/**
 * A uuid[] as its ids: uuids are never quoted in an array's text, so a split is the whole parse
 * (the drivers' generic array parser goes character by character: 18,000 for an inbox page's
 * subscriber ids).
 */
const uuidArray = (value: string) => (value.length > 2 ? value.slice(1, -1).split(",") : []);

const PG_TYPES = {
  getTypeParser: (typeId: number, format?: "text" | "binary") => {
    if (typeId === UUID_ARRAY) return uuidArray;
    return RAW_TEXT_TYPES.includes(typeId) ? asText : pg.types.getTypeParser(typeId, format);
  },
};

const PGLITE_OPTIONS = {
  rowMode: "array" as const,
  parsers: {
    ...Object.fromEntries(RAW_TEXT_TYPES.map((typeId) => [typeId, asText])),
    [UUID_ARRAY]: uuidArray,
  },
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

/** Where a rendered statement's value comes from: a placeholder's name, or a value fixed in the text. */
type Slot = { name: string; encode: (value: unknown) => unknown } | { fixed: unknown };

const asIs = (value: unknown) => value;

/**
 * A statement written with Drizzle's sql template and `sql.placeholder(name)` for every value
 * that changes from run to run, rendered once (at module load, or once per shape of a statement
 * that has a few); each run only binds values by name. A name may appear more than once (every
 * `organizationId`, say): each appearance is bound to the same value.
 */
export class NamedStatement {
  readonly text: string;
  private readonly slots: Slot[];

  constructor(query: SQL) {
    const rendered = dialect.sqlToQuery(query);
    this.text = rendered.sql;
    this.slots = rendered.params.map((param): Slot => {
      if (is(param, Placeholder)) return { name: param.name, encode: asIs };
      if (is(param, Param) && is(param.value, Placeholder)) {
        const encoder = param.encoder;
        return { name: param.value.name, encode: (value) => encoder.mapToDriverValue(value) };
      }
      return { fixed: param };
    });
  }

  /** The statement's values in order, from `named` (every placeholder must have one). */
  values(named: Record<string, unknown>): unknown[] {
    return this.slots.map((slot) => {
      if ("fixed" in slot) return slot.fixed;
      if (!(slot.name in named)) throw new Error(`No value for placeholder "${slot.name}"`);
      return slot.encode(named[slot.name]);
    });
  }

  /** Runs it on the executor's connection (queryArrays): rows as arrays in select-list order. */
  run(executor: Executor, named: Record<string, unknown>): Promise<unknown[][]> {
    return queryArrays(executor, this.text, this.values(named));
  }
}

/**
 * The NamedStatements of a statement that comes in a few shapes (parts present or not), each
 * rendered the first time its shape runs. `build` must make the same statement for the same key.
 */
export class NamedStatementShapes {
  private readonly shapes = new Map<string, NamedStatement>();

  get(key: string, build: () => SQL): NamedStatement {
    let statement = this.shapes.get(key);
    if (!statement) this.shapes.set(key, (statement = new NamedStatement(build())));
    return statement;
  }
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
