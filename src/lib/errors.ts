import { GraphQLError } from "graphql";

/**
 * The error codes of API.md. Each is a GraphQLError with a literal `extensions.code`;
 * anything else that escapes a resolver is masked as INTERNAL_SERVER_ERROR.
 */
export const PUBLIC_ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CONFLICT",
  "OPTED_OUT",
  "QUERY_TOO_COMPLEX",
  "QUIET_HOURS",
  "SERVICE_UNAVAILABLE",
  "TOO_MANY_REQUESTS",
  "INTERNAL_SERVER_ERROR",
] as const;

export class UnauthenticatedError extends GraphQLError {
  constructor(message = "A valid bearer token is required") {
    super(message, { extensions: { code: "UNAUTHENTICATED" } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = "Your role does not allow this operation") {
    super(message, { extensions: { code: "FORBIDDEN" } });
  }
}

/** `field` names the input that held the id, when the missing row was referenced from input. */
export class NotFoundError extends GraphQLError {
  constructor(entity: string, id: string, field?: string) {
    super(`${entity} ${id} not found`, {
      extensions: { code: "NOT_FOUND", ...(field ? { field } : {}) },
    });
  }
}

/** Names the offending input field in `extensions.field` (dot path from the argument). */
export class BadUserInputError extends GraphQLError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { extensions: { code: "BAD_USER_INPUT", field } });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: "CONFLICT", ...(field ? { field } : {}) } });
  }
}

export class OptedOutError extends GraphQLError {
  constructor(target: string, channel: string) {
    super(`${target} has opted out of ${channel}`, {
      extensions: { code: "OPTED_OUT", target, channel },
    });
  }
}

/** A marketing text outside the recipient's sending hours, when the caller asked not to hold it. */
export class QuietHoursError extends GraphQLError {
  constructor(nextAllowedAt: Date) {
    super(`Marketing texts may not be sent now; next allowed at ${nextAllowedAt.toISOString()}`, {
      extensions: { code: "QUIET_HOURS", nextAllowedAt: nextAllowedAt.toISOString() },
    });
  }
}

/** Over a limit of the document's shape or cost; `extra` carries `cost` and `limit` where known. */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: "QUERY_TOO_COMPLEX", ...extra } });
  }
}

/**
 * The database is unreachable or too slow, or the server is shutting down: nothing of the request
 * is known to have been written unless it says so, and the caller may retry later (HTTP 503).
 */
export class ServiceUnavailableError extends GraphQLError {
  constructor(message = "The service is unavailable; retry later") {
    super(message, {
      extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
    });
  }
}

/** Too many failed credentials from one source address (HTTP 429 with Retry-After). */
export class TooManyRequestsError extends GraphQLError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts; retry after ${retryAfterSeconds} s`, {
      extensions: {
        code: "TOO_MANY_REQUESTS",
        retryAfter: retryAfterSeconds,
        http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) },
      },
    });
  }
}

export function isPublicError(error: unknown): error is GraphQLError {
  return (
    error instanceof GraphQLError &&
    (PUBLIC_ERROR_CODES as readonly unknown[]).includes(error.extensions?.code)
  );
}

/** The SQLSTATE of a database error, through the wrappers Drizzle puts around it. */
function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * SQLSTATEs that mean the database could not be reached or could not answer in time, not that it
 * refused the statement: connection exceptions (class 08), the server shutting down (57P01–57P03),
 * too many connections (53300) and statement_timeout (57014, query_canceled).
 */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

/** What pg and the network say when a connection fails, before or without a SQLSTATE. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/i;
const UNAVAILABLE_SYSCALL_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/**
 * Whether `error` (or anything in its chain of `cause`s and `originalError`s: Drizzle and
 * GraphQL wrap the driver's) says the database is unreachable or too slow. Such a failure is the
 * caller's to retry later (SERVICE_UNAVAILABLE, 503), not a fault of ours to log as one.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth += 1) {
    const { code, message, cause, originalError } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (typeof code === "string") {
      if (code.startsWith("08") && code.length === 5) return true;
      if (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_SYSCALL_CODES.has(code)) return true;
    }
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause ?? originalError;
  }
  return false;
}

/**
 * The innermost message of an unavailable database's error: Drizzle's wrapper carries the
 * statement's parameters (phone numbers, messages), which have no place in a warning.
 */
export function innermostMessage(error: unknown): string {
  let current = error as { message?: unknown; cause?: unknown; originalError?: unknown } | null;
  let reason = "";
  for (let depth = 0; current && depth < 6; depth += 1) {
    if (typeof current.message === "string") reason = current.message;
    current = (current.cause ?? current.originalError) as typeof current;
  }
  return reason;
}

/** Postgres unique_violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === "23505";
}

/**
 * Whether the database refused the statement itself (a constraint, a bad value), as opposed to
 * failing around it (connection lost, server shutting down: class 08 and 57), when it is not
 * known whether a commit happened and running the statement again could write it twice.
 */
export function isStatementRefusal(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && !state.startsWith("08") && !state.startsWith("57");
}

/** A property of a database error, through Drizzle's wrapper. */
function databaseErrorField(error: unknown, name: "constraint" | "detail"): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const value = (current as Record<string, unknown>)[name];
    if (typeof value === "string") return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A write refused because the caller's organization does not exist: a well-signed token whose
 * `org` names none. Checked when a write fails rather than at every token's first use, which would
 * cost every new token a statement.
 */
export function isMissingOrganization(error: unknown): boolean {
  return (
    sqlState(error) === "23503" &&
    (databaseErrorField(error, "constraint") ?? "").endsWith("_organization_id_organizations_id_fk")
  );
}

/** What a foreign key points at, and the input field that gave its id (given the missing id). */
export interface Reference {
  entity: string;
  field: string | ((missingId: string) => string);
}

/**
 * Runs a write and turns a foreign-key violation (23503) of one of `references`' constraints,
 * keyed by constraint name, into NOT_FOUND naming the input field: an id of another organization
 * or of nothing. The write's transaction has rolled back, so nothing of it is stored. The missing
 * id is the last of the key Postgres reports ("Key (organization_id, x_id)=(…, …) is not present").
 */
export async function notFoundOnMissingReference<T>(
  write: () => Promise<T>,
  references: Record<string, Reference>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (sqlState(error) !== "23503") throw error;
    const reference = references[databaseErrorField(error, "constraint") ?? ""];
    if (!reference) throw error;
    const key = /\)=\((.*)\) is not present/.exec(databaseErrorField(error, "detail") ?? "");
    const missingId = key?.[1].split(", ").at(-1) ?? "";
    const field =
      typeof reference.field === "string" ? reference.field : reference.field(missingId);
    throw new NotFoundError(reference.entity, missingId, field);
  }
}

/** Runs a write and turns a unique-constraint violation into CONFLICT naming the input field. */
export async function conflictOnDuplicate<T>(
  write: () => Promise<T>,
  message: string,
  field: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, field);
    throw error;
  }
}
