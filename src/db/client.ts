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
import { StatementDeadline } from "./statement-deadline";
import type { DeadlineConfig } from "../config";

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
  /**
   * A connection of its own, outside the pool and without the statement deadlines (migrations
   * run longer than any request may); the caller ends it. Real Postgres only.
   */
  dedicatedClient(): Promise<pg.Client>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
  /** Connect and statement deadlines (config.deadlines); none when omitted. */
  deadlines?: Pick<DeadlineConfig, "connectMs" | "statementMs">;
  /** Where a lost connection is reported (as a warning: the pool replaces it). */
  onConnectionError?: (error: Error) => void;
  /** Spans for every statement (observability/sql-tracing.ts), given only while tracing is on. */
  statementTracing?: StatementTracing;
}

/** Wraps a driver's query methods in spans; nothing calls it while tracing is off. */
export interface StatementTracing {
  /** Each connection's query as the pool opens it: before prepareStatementsByText names statements. */
  tracePool(pool: pg.Pool): void;
  tracePglite(pglite: PGlite): void;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const { databaseUrl, deadlines } = options;
    const onError = options.onConnectionError ?? (() => undefined);
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      // Bounds opening a connection and, as well, waiting for a free one in a full pool.
      connectionTimeoutMillis: deadlines?.connectMs,
      // The server cancels a statement past it (57014); the client gives up on its own too
      // (statementDeadline), for a server that is frozen and enforces nothing.
      statement_timeout: deadlines?.statementMs,
    });
    // An idle client that loses its connection (server restart, failover) is dropped from the
    // pool; without a listener that 'error' event would end the process.
    pool.on("error", onError);
    const statementDeadline = deadlines
      ? new StatementDeadline(deadlines.statementMs + CLIENT_TIMEOUT_MARGIN_MS)
      : null;
    // A checked-out client is not covered by the pool's idle 'error' listener: one whose server
    // dies mid-transaction emits 'error' with nobody listening, which would end the process.
    // Connections not yet closed: pool.end() resolves once it has asked each to close, and close()
    // waits for them, so that nothing of a stopped app still holds a backend.
    const connected = new Set<pg.PoolClient>();
    let allClosed: (() => void) | null = null;
    pool.on("connect", (client) => {
      connected.add(client);
      client.on("error", onError);
      statementDeadline?.watch(client);
    });
    pool.on("remove", (client) => {
      connected.delete(client);
      statementDeadline?.forget(client);
      if (connected.size === 0) allClosed?.();
    });
    // Inside the naming: a statement sent with a trace comment goes unnamed (sql-tracing.ts).
    options.statementTracing?.tracePool(pool);
    prepareStatementsByText(pool);
    const db = drizzlePg(pool, { schema, logger: statementCountingLogger }) as unknown as Database;
    const dedicatedClient = async () => {
      const client = new pg.Client({
        connectionString: databaseUrl,
        connectionTimeoutMillis: deadlines?.connectMs,
      });
      client.on("error", onError);
      await client.connect();
      return client;
    };
    return {
      db,
      kind: "postgres",
      pool,
      pglite: null,
      dedicatedClient,
      close: async () => {
        statementDeadline?.stop();
        const closed = new Promise<void>((resolve) => (allClosed = resolve));
        await pool.end();
        if (connected.size > 0) await closed;
      },
    };
  }
  const inMemory = options.dataDir === ":memory:";
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const pglite = inMemory ? new PGlite() : new PGlite(options.dataDir);
  await pglite.waitReady;
  options.statementTracing?.tracePglite(pglite);
  const db = drizzlePglite(pglite, {
    schema,
    logger: statementCountingLogger,
  }) as unknown as Database;
  const dedicatedClient = () => Promise.reject(new Error("PGlite has no dedicated connections"));
  return { db, kind: "pglite", pool: null, pglite, dedicatedClient, close: () => pglite.close() };
}

/**
 * The client gives up a little after the server's own statement_timeout, so that a live server's
 * cancellation (a clean 57014 on a connection still usable) comes first.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 500;
