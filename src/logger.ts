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

/**
 * Log lines handed to stdout in batches: at 32 KB, every 250 ms, and as the process exits. A
 * system call costs this VM's CPU tens of microseconds, and with an access-log line per request
 * a write per line cost ≈ 8 % of a contacts-list request's CPU. The batches go through pino's
 * own destination (sonic-boom: partial writes, EAGAIN and the synchronous flush at exit), which
 * is not asked to batch itself: it measures its whole pending string at each line, flattening it
 * (15 KB allocated per line at a 32 KB batch).
 */
class BatchedLines implements DestinationStream {
  private lines: string[] = [];
  private bytes = 0;

  constructor(private readonly out: ReturnType<typeof pino.destination>) {
    setInterval(() => this.flush(), 250).unref();
    process.once("exit", () => {
      this.flush();
      try {
        out.flushSync();
      } catch {
        // stdout gone: nothing more can be done at exit.
      }
    });
  }

  write(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= BATCH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.out.write(this.lines.join(""));
    this.lines = [];
    this.bytes = 0;
  }
}

const BATCH_BYTES = 32 * 1024;

/** One for the process, whatever the number of apps in it. */
let stdout: BatchedLines | null = null;

/** `destination` is for tests that read what is logged; by default lines go to stdout. */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream) {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      serializers: { err: serializeError, error: serializeError },
    },
    destination ?? (stdout ??= new BatchedLines(pino.destination({ dest: 1, sync: false }))),
  );
}

export type Logger = ReturnType<typeof createLogger>;
