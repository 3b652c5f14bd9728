import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatementDeadline } from "../../src/db/statement-deadline";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const onPostgres = process.env.TEST_DB === "postgres";

/**
 * The client side of the statement deadline, on a real pool whose server enforces nothing (no
 * statement_timeout, as a frozen server would not): a statement that outlives the limit has its
 * connection closed, and the pool goes on with a new one.
 */
describe.skipIf(!onPostgres)("the client-side statement deadline", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const deadline = new StatementDeadline(300);

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.databaseUrl!, max: 2 });
    pool.on("error", () => undefined);
    pool.on("connect", (client) => {
      client.on("error", () => undefined);
      deadline.watch(client);
    });
    pool.on("remove", (client) => deadline.forget(client));
  });
  afterAll(async () => {
    deadline.stop();
    await pool?.end();
    await database?.drop();
  });

  it("gives up on a statement unanswered past the limit, and not on one that answers", async () => {
    const startedAt = Date.now();
    await expect(pool.query("select pg_sleep(3)")).rejects.toThrow(/Connection terminated/);
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    // Within the limit and two sweep periods (30 ms each), with room for a busy machine.
    expect(elapsed).toBeLessThan(1_500);
    // Back-to-back statements that each answer in time are not one long wait.
    const client = await pool.connect();
    try {
      for (let index = 0; index < 8; index += 1) await client.query("select pg_sleep(0.1)");
    } finally {
      client.release();
    }
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });
});
