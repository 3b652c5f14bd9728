import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";

/**
 * Many rows as ONE jsonb parameter, read back in SQL with `jsonb_to_recordset`: a batch of any
 * size is one statement with one text (prepared once per connection, see named-statements.ts),
 * and both drivers pass it the same way. The SQL fragments are built once per column list;
 * per call only the JSON is.
 */
export class Recordset<Row extends object> {
  /** `alias(col type, …)`: the recordset's row type, for `from jsonb_to_recordset(…) as <this>`. */
  readonly definition: SQL;
  private readonly columns: [keyof Row & string, PgColumn][];

  constructor(
    readonly alias: string,
    columns: Record<string, PgColumn>,
  ) {
    this.columns = Object.entries(columns) as [keyof Row & string, PgColumn][];
    const types = this.columns.map(([, column]) => `"${column.name}" ${column.getSQLType()}`);
    this.definition = sql.raw(`${alias}(${types.join(", ")})`);
  }

  /** `jsonb_to_recordset($1::jsonb) as alias(…)` over `rows`; a missing or undefined field reads as NULL. */
  from(rows: readonly Partial<Row>[]): SQL {
    return sql`jsonb_to_recordset(${this.json(rows)}::jsonb) as ${this.definition}`;
  }

  /** The same over the placeholder `name` (fixed-statements.ts NamedStatement), bound to json(rows). */
  fromPlaceholder(name: string): SQL {
    return sql`jsonb_to_recordset(${sql.placeholder(name)}::jsonb) as ${this.definition}`;
  }

  /** `rows` as the recordset's JSON parameter. */
  json(rows: readonly Partial<Row>[]): string {
    const records = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const [key, column] of this.columns) {
        const value = row[key];
        if (value !== undefined) record[column.name] = value;
      }
      return record;
    });
    return JSON.stringify(records);
  }

  /** `alias."column"` */
  field(column: PgColumn): SQL {
    return sql.raw(`${this.alias}."${column.name}"`);
  }

  /**
   * The select list that inserts this recordset into `table`: every column in table order (as
   * Drizzle's insert … select expects), a missing value taking the column's default.
   */
  insertSelectList(table: PgTable): SQL {
    const values = Object.values(getTableColumns(table)).map((column) => {
      const field = this.field(column);
      if (column.default === undefined) return field;
      const fallback = is(column.default, SQL) ? column.default : sql.param(column.default, column);
      return sql`coalesce(${field}, ${fallback})`;
    });
    return sql.join(values, sql`, `);
  }
}
