import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import {
  innermostMessage,
  isDatabaseUnavailable,
  isMissingOrganization,
  isPublicError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from "./lib/errors";
import { currentRequest, requestLogger } from "./lib/request-scope";
import type { Logger } from "./logger";

/** Codes Apollo Server itself gives to requests it refuses before any resolver runs. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "QUERY_TOO_COMPLEX",
]);

const UNAVAILABLE = new ServiceUnavailableError();

/** `Variable "$input" got invalid value … at "input.type"; …` → "input.type". */
function fieldOfVariableError(message: string): string | undefined {
  const at = /got invalid value .*? at "([^"]+)"/.exec(message);
  if (at) return at[1];
  return /^Variable "\$([^"]+)"/.exec(message)?.[1];
}

/** graphql-js's last error when a request's variables hold more than 50 mistakes: the caller's. */
const VARIABLE_LIMIT = /^Too many errors processing variables/;

function isClientStatus(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions
    ?.http?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * An error of ours (not the caller's), logged once, where formatError masks it: with the request's
 * id (its logger's) and operation, the error's path and code, and the error itself as
 * serializeError writes it (no variable values, no SQL parameters).
 */
function logError(
  root: Logger,
  level: "warn" | "error",
  message: string,
  fields: { code: string; path?: ReadonlyArray<string | number>; reason?: string; err?: unknown },
): void {
  const operationName = currentRequest()?.operationName ?? undefined;
  requestLogger(root)[level]({ operationName, ...fields }, message);
}

/**
 * What a gateway's inline trace (and through it Apollo Studio) may carry of an error: the
 * caller's own errors and ours with a public code as they are; anything else as formatError
 * answers it, masked, so no SQL or internals leave through the trace either.
 */
export function traceableError(error: GraphQLError): GraphQLError {
  const original = unwrapResolverError(error);
  if (original === error || !(original instanceof Error) || isPublicError(original)) return error;
  return new GraphQLError("Internal server error", {
    path: error.path,
    nodes: error.nodes,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
}

/**
 * Passes our own coded errors and Apollo's request errors through, without stack traces;
 * anything else is logged and masked, so no SQL or internals reach a client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    // The database unreachable or too slow: the caller's to retry (503), not a fault of ours.
    // Checked first: graphql-jit hands a resolver's error on already coded INTERNAL_SERVER_ERROR,
    // with the driver's error as its cause or only as its message.
    if (
      extensions.code === "INTERNAL_SERVER_ERROR" &&
      (isDatabaseUnavailable(original) || isDatabaseUnavailable(error))
    ) {
      logError(logger, "warn", "database unavailable", {
        code: "SERVICE_UNAVAILABLE",
        path: formatted.path,
        reason: innermostMessage(original),
      });
      return {
        message: UNAVAILABLE.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    if (isPublicError(original)) return { ...formatted, extensions };
    // Apollo re-codes validation-rule errors as GRAPHQL_VALIDATION_FAILED, and wraps an error the
    // context function throws ("Context creation failed: …") when it comes from the other build
    // of graphql-js than Apollo's (duck-typed here for the same reason): ours keep their code and
    // message. `http` (status, headers) Apollo has already applied, from the wrapper's copy.
    const cause = (original as { originalError?: unknown } | null)?.originalError;
    if (isPublicError(cause)) {
      const { http: _http, ...causeExtensions } = cause.extensions;
      return {
        ...formatted,
        message: cause.message,
        extensions: { ...extensions, ...causeExtensions },
      };
    }
    const code = typeof extensions.code === "string" ? extensions.code : undefined;
    if (code && REQUEST_ERROR_CODES.has(code) && original === error) {
      const field = code === "BAD_USER_INPUT" ? fieldOfVariableError(formatted.message) : undefined;
      return { ...formatted, extensions: field ? { ...extensions, field } : extensions };
    }
    // Apollo's own refusals of a request without a code (a persisted query's hash that does not
    // match, an unsupported version) carry only a 4xx status, and graphql-js's last word on a
    // request with too many bad variables none: the caller's mistakes, said as such.
    if (
      original === error &&
      (isClientStatus(original) || VARIABLE_LIMIT.test(formatted.message))
    ) {
      const code = isClientStatus(original) ? "BAD_REQUEST" : "BAD_USER_INPUT";
      return { message: formatted.message, extensions: { ...extensions, code } };
    }
    if (isMissingOrganization(original)) {
      const { message, extensions: coded } = new UnauthenticatedError(
        "Invalid token: the token's organization does not exist",
      );
      return { message, path: formatted.path, locations: formatted.locations, extensions: coded };
    }
    logError(logger, "error", "unexpected error", {
      code: "INTERNAL_SERVER_ERROR",
      path: formatted.path,
      err: original,
    });
    return {
      message: "Internal server error",
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
}
