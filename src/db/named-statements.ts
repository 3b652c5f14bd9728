import { createHash } from "node:crypto";
import type pg from "pg";

/** Past this many distinct statement texts, new ones run unnamed (a guard, not an expected case). */
const MAX_NAMED_STATEMENTS = 5_000;

/**
 * A statement whose text holds this comment runs unnamed, so Postgres plans it for each run with
 * the table's size as it is then. A named statement's generic plan is fixed when it is made, and
 * one made while a table was young may scan an index's whole organization range for every row.
 */
export const PLAN_EACH_RUN = "/* plan each run */";

type Query = (config: unknown, ...rest: unknown[]) => unknown;

/**
 * Names every parameterized statement after a hash of its text, so each pooled connection parses
 * and plans it once and then only binds and executes it (the extended protocol's named prepared
 * statements): on the consent benchmark ≈10% more events per second. Drizzle lists columns
 * explicitly, so a migration that adds a column does not invalidate a prepared statement's result
 * type.
 */
export function prepareStatementsByText(pool: pg.Pool): void {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known || names.size >= MAX_NAMED_STATEMENTS) return known;
    const name = `sb_${createHash("sha1").update(text).digest("hex")}`;
    names.set(text, name);
    return name;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (config, ...rest) => {
      const values = rest[0];
      if (
        isUnnamedStatement(config) &&
        Array.isArray(values) &&
        values.length > 0 &&
        !config.text.includes(PLAN_EACH_RUN)
      ) {
        const name = nameOf(config.text);
        if (name) return query({ ...config, name }, ...rest);
      }
      return query(config, ...rest);
    };
  });
}

function isUnnamedStatement(config: unknown): config is { text: string; name?: string } {
  return (
    typeof config === "object" &&
    config !== null &&
    typeof (config as { text?: unknown }).text === "string" &&
    !(config as { name?: unknown }).name
  );
}
