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

let stdout: pino.DestinationStream | null = null;

/**
 * stdout, written in batches of at least 32 KB or every 250 ms rather than a write per line: a
 * system call costs this VM's CPU tens of microseconds, and with one access-log line per request,
 * a write per line cost ≈ 8 % of the server's CPU per request on bench:messaging's contacts list.
 * What is still buffered is written synchronously as the process exits. One for the process,
 * whatever the number of apps in it.
 */
function bufferedStdout(): pino.DestinationStream {
  if (stdout) return stdout;
  const destination = pino.destination({
    dest: 1,
    minLength: 32 * 1024,
    maxWrite: 64 * 1024,
    periodicFlush: 250,
    sync: false,
  });
  process.once("exit", () => {
    try {
      destination.flushSync();
    } catch {
      // A write in progress, or stdout gone: nothing more can be done at exit.
    }
  });
  return (stdout = destination);
}

/** `destination` is for tests that read what is logged; by default lines go to stdout. */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      serializers: { err: serializeError, error: serializeError },
    },
    destination ?? bufferedStdout(),
  );
}

export type Logger = ReturnType<typeof createLogger>;
