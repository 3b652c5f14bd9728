import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  /** DATABASE_URL for the app: null means embedded PGlite in memory. */
  databaseUrl: string | null;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file: PGlite in memory, or a new database on TEST_DATABASE_URL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DB !== "postgres") return { databaseUrl: null, drop: async () => {} };
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL");
  const name = `switchboard_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
