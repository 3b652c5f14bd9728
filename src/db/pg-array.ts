import { sql, type SQL } from "drizzle-orm";

export type ArrayElement = string | number | boolean | Date | null;

function element(value: ArrayElement): string {
  if (value === null) return "NULL";
  if (value instanceof Date) return `"${value.toISOString()}"`;
  if (typeof value === "boolean") return value ? "t" : "f";
  return `"${String(value).replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * One bound parameter holding a whole column of values, as a Postgres array literal, for
 * set-based statements (`unnest(${pgArray("uuid", ids)})`). Drizzle would expand a JS array
 * into one parameter per element, and PGlite cannot serialize arrays of our enum types, so both
 * drivers get the same text and Postgres casts it.
 */
export function pgArray(type: string, values: readonly ArrayElement[]): SQL {
  return sql`${sql.param(`{${values.map(element).join(",")}}`)}::${sql.raw(type)}[]`;
}

/** One array parameter per column of `rows`, comma-separated: the arguments of an unnest(…). */
export function arrayColumns<Row>(
  rows: readonly Row[],
  columns: readonly (readonly [type: string, value: (row: Row) => ArrayElement])[],
): SQL {
  return sql.join(
    columns.map(([type, value]) => pgArray(type, rows.map(value))),
    sql`, `,
  );
}
