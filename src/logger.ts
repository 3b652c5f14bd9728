import pino, { type DestinationStream } from "pino";
import type { Config } from "./config";

/**
 * What of a database error may reach the log: its class, SQLSTATE and the statement's text
 * without values. Drizzle's `params` (and the "params: …" line of its message and stack) and
 * Postgres's `detail` and `where` ("Key (phone_number)=(+14155550123) already exists") carry
 * message bodies and phone numbers, so they are left out; so is every property not listed here.
 */
const SAFE_DATABASE_FIELDS = [
  "code",
  "severity",
  "constraint",
  "table",
  "column",
  "schema",
  "routine",
] as const;

const MAX_CAUSE_DEPTH = 4;

/** Drizzle's DrizzleQueryError message: `Failed query: <sql>\nparams: <values>`. */
function withoutParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "");
}

export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === "object" && error !== null ? { type: "non-error object" } : error;
  }
  const source = error as Error & Record<string, unknown>;
  const serialized: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message: withoutParams(error.message),
    stack: error.stack === undefined ? undefined : withoutParams(error.stack),
  };
  if (typeof source.query === "string") serialized.sql = source.query;
  for (const field of SAFE_DATABASE_FIELDS) {
    if (typeof source[field] === "string") serialized[field] = source[field];
  }
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    serialized.cause = serializeError(error.cause, depth + 1);
  }
  return serialized;
}

/** `destination` is for tests that read what is logged; by default pino writes to stdout. */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;
