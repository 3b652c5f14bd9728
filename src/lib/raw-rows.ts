import { is, type Column } from "drizzle-orm";
import { PgTimestamp } from "drizzle-orm/pg-core";
import { parseTimestamptz } from "./timestamps";

/**
 * The column's mapFromDriverValue for a non-null driver value; for a timestamptz read as a Date,
 * parseTimestamptz, which gives the same Date faster (the inbox reads a thousand per request).
 */
export function decoderOf(column: Column): (value: unknown) => unknown {
  if (is(column, PgTimestamp) && column.withTimezone) {
    return (value) => (typeof value === "string" ? parseTimestamptz(value) : value);
  }
  return (value) => column.mapFromDriverValue(value);
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
    name: column.name,
    decode: decoderOf(column),
  }));
  return (raw: Record<string, unknown>): Row => {
    const row: Record<string, unknown> = {};
    for (const { key, name, decode } of columns) {
      const value = raw[name];
      row[key] = value === null || value === undefined ? null : decode(value);
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
    index: offset + index,
    decode: decoderOf(column),
  }));
  return (raw: readonly unknown[]): Row => {
    const row: Record<string, unknown> = {};
    for (const { key, index, decode } of columns) {
      const value = raw[index];
      row[key] = value === null || value === undefined ? null : decode(value);
    }
    return row as Row;
  };
}

/** `alias."column", …` for `fields`' columns, in the order arrayRowMapper reads them. */
export function selectList(alias: string, fields: Record<string, Column>): string {
  return Object.values(fields)
    .map((column) => `${alias}."${column.name}"`)
    .join(", ");
}
