import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export interface TestDatabase {
  /** DATABASE_URL for the app: null means embedded PGlite. */
  databaseUrl: string | null;
  /** PGlite's data directory: ":memory:", or a temporary folder when the database must outlive a server. */
  dataDir: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Keep the data when a server stops, so another server can start on it (restart tests). */
  persistent?: boolean;
}

/** A fresh, empty database for one test file: PGlite in memory, or a new database on TEST_DATABASE_URL. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (process.env.TEST_DB !== "postgres") {
    if (!options.persistent)
      return { databaseUrl: null, dataDir: ":memory:", drop: async () => {} };
    const dataDir = await mkdtemp(path.join(tmpdir(), "switchboard-test-"));
    return {
      databaseUrl: null,
      dataDir,
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
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
    dataDir: ":memory:",
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
