import { sql, type Column, type SQL } from "drizzle-orm";

/** A driver value as the column maps it (a timestamp's text to a Date), NULL as null. */
export function fromDriver(column: Column, value: unknown): unknown {
  return value === null || value === undefined ? null : column.mapFromDriverValue(value);
}

/**
 * Maps the raw rows of `db.execute(db.select(fields).from(table)…)` (keyed by column name) to
 * `fields`' keys, one plain loop per row. Drizzle's own mapping (mapResultRow) allocates an
 * iterator and arrays for every value and tests each column's class: for the inbox's 500
 * subscriber rows a fifth of the request's memory. Single-table selects only: a join's columns
 * could share a name.
 */
export function rawRowMapper<Row>(fields: Record<keyof Row, Column>) {
  const columns = Object.entries<Column>(fields).map(([key, column]) => ({
    key,
    column,
  }));
  return (raw: Record<string, unknown>): Row => {
    const row: Record<string, unknown> = {};
    for (const { key, column } of columns) {
      row[key] = fromDriver(column, raw[column.name]);
    }
    return row as Row;
  };
}

/**
 * Like rawRowMapper, for rows read as arrays (fixed-statements.ts queryArrays): `fields`' columns
 * are the row's values from `offset` on, in `selectList` order.
 */
export function arrayRowMapper<Row>(fields: Record<keyof Row, Column>, offset = 0) {
  const columns = Object.entries<Column>(fields).map(([key, column], index) => ({
    key,
    column,
    index: offset + index,
  }));
  return (raw: readonly unknown[]): Row => {
    const row: Record<string, unknown> = {};
    for (const { key, column, index } of columns) {
      row[key] = fromDriver(column, raw[index]);
    }
    return row as Row;
  };
}

/** `fields`' columns as a select list, in the order arrayRowMapper reads them. */
export function selectList(fields: Record<string, Column>): SQL {
  return sql.join(Object.values(fields), sql`, `);
}
