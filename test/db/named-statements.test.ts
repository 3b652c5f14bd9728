import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/client";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { sql } from "drizzle-orm";

/** Both drivers answer a raw statement with `{ rows }`; the shared Database type does not say so. */
const rowsOf = <Row>(result: unknown) => (result as { rows: Row[] }).rows;

const onPostgres = process.env.TEST_DB === "postgres";
let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

describe("statements on real Postgres", () => {
  it.skipIf(!onPostgres)(
    "are prepared once per connection and then only bound and executed",
    async () => {
      const prepared = () =>
        handle.db.transaction(async (tx) => {
          // One transaction: the same pooled connection runs both statements.
          await tx.execute(sql`select ${1}::int + ${2}::int as three`);
          const prepared = await tx.execute(
            sql`select count(*)::int as n from pg_prepared_statements where statement like ${"%+ $2::int as three%"}`,
          );
          return rowsOf<{ n: number }>(prepared)[0].n;
        });
      expect(await prepared()).toBe(1);
      expect(await prepared()).toBe(1);
    },
  );

  it("answers the same whether a statement is new or prepared", async () => {
    for (const value of [1, 2, 3]) {
      const result = await handle.db.execute(sql`select ${value}::int * 2 as doubled`);
      expect(Number(rowsOf<{ doubled: number }>(result)[0].doubled)).toBe(value * 2);
    }
  });
});
