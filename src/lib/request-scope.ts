import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "../logger";

export type OperationType = "query" | "mutation" | "subscription";

/**
 * One HTTP request as it runs: its id, and what its access-log line and metrics report, gathered
 * where each is known (the SQL statements by the driver's logger, the operation by Apollo).
 * Reached through AsyncLocalStorage, so that code far from the request (a DataLoader batch, a
 * group commit, the error formatter) still finds it.
 */
export class RequestScope {
  readonly startedAt = performance.now();
  operationName: string | null = null;
  operationType: OperationType | null = null;
  /** The operation's cost as the query limits measure it (query-limits.ts). */
  cost: number | null = null;
  sqlStatements = 0;
  /** `extensions.code` of each error answered, in order. */
  errorCodes: readonly string[] = NO_ERRORS;
  private child: Logger | null = null;
  /** Apollo's response to this request, until its answer is written (releaseAnswer). */
  private answer: { body?: unknown } | null = null;

  constructor(
    readonly id: string,
    private readonly root: Logger,
  ) {}

  /** Holds Apollo's response until releaseAnswer (graphql/release-after-execution.ts says why). */
  holdAnswer(response: { body?: unknown }): void {
    this.answer = response;
  }

  /** Lets go of the answer's result once it is serialized; nothing reads it after that. */
  releaseAnswer(): void {
    if (this.answer) this.answer.body = undefined;
    this.answer = null;
  }

  /**
   * The app's logger with this request's id on every line. (Not its operation: a child made
   * before the operation resolved would never have it, and the error log adds it itself.)
   */
  get logger(): Logger {
    // Made on first use: most requests log only their access-log line, written with the root.
    this.child ??= this.root.child({ requestId: this.id });
    return this.child;
  }
}

const NO_ERRORS: readonly string[] = Object.freeze([]);

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, run: () => T): T {
  return scopes.run(scope, run);
}

/** The scope of the request whose work is running, if any (workers run outside requests). */
export function currentRequest(): RequestScope | undefined {
  return scopes.getStore();
}

/** The logger for what is running now: the request's, or `root` outside any request. */
export function requestLogger(root: Logger): Logger {
  return scopes.getStore()?.logger ?? root;
}

/**
 * A caller's `x-request-id` is kept when it is 1–128 characters of letters, digits and
 * `-_.:/+=@` (UUIDs, ULIDs, AWS and Heroku ids): anything else — control characters, spaces,
 * quotes a log reader could trip on — gets an id of ours instead.
 */
const CALLER_REQUEST_ID = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
}
