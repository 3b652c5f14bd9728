import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations, SQLWrapper } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema";
import { prepareStatementsByText } from "./named-statements";
import { statementCountingLogger } from "./statement-count";

export type Schema = typeof schema;
/** The query surface both drivers share; services never know which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Database | Transaction;

/**
 * The raw rows of a statement, as the driver returns them (keyed by column name, driver types):
 * both drivers answer execute() with `rows`, which Database's shared type leaves unknown.
 */
export async function selectRows<Row>(executor: Executor, query: SQLWrapper): Promise<Row[]> {
  const result = (await executor.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

export interface DatabaseHandle {
  db: Database;
  kind: "pglite" | "postgres";
  /** Set on the real-Postgres path, for the migrator's advisory lock and LISTEN/NOTIFY. */
  pool: pg.Pool | null;
  pglite: PGlite | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
    });
    // An idle client that loses its connection (server restart, failover) is dropped from the
    // pool; without a listener that 'error' event would end the process.
    pool.on("error", () => undefined);
    prepareStatementsByText(pool);
    const db = drizzlePg(pool, { schema, logger: statementCountingLogger }) as unknown as Database;
    return { db, kind: "postgres", pool, pglite: null, close: () => pool.end() };
  }
  const inMemory = options.dataDir === ":memory:";
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const pglite = inMemory ? new PGlite() : new PGlite(options.dataDir);
  await pglite.waitReady;
  const db = drizzlePglite(pglite, {
    schema,
    logger: statementCountingLogger,
  }) as unknown as Database;
  return { db, kind: "pglite", pool: null, pglite, close: () => pglite.close() };
}
