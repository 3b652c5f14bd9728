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

export class NotFoundError extends GraphQLError {
  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`, { extensions: { code: "NOT_FOUND" } });
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

export class QueryTooComplexError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "QUERY_TOO_COMPLEX" } });
  }
}

export function isPublicError(error: unknown): error is GraphQLError {
  return (
    error instanceof GraphQLError &&
    (PUBLIC_ERROR_CODES as readonly unknown[]).includes(error.extensions?.code)
  );
}

/** Postgres unique_violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    if ((current as { code?: unknown }).code === "23505") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
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
