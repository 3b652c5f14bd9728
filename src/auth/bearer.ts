import type { IncomingMessage } from "node:http";
import { TooManyRequestsError } from "../lib/errors";
import type { Caller } from "./caller";
import type { CredentialThrottle } from "./credential-throttle";
import { InvalidTokenError, type TokenVerifier } from "./jwt";

/**
 * The caller of an HTTP request with `Authorization: Bearer <JWT>`, or why there is none.
 * A refused token counts against the request's source address; from an address over the
 * throttle's limit any token is refused unread with TooManyRequestsError (HTTP 429).
 */
export async function authenticate(
  verifier: TokenVerifier,
  throttle: CredentialThrottle,
  req: IncomingMessage,
): Promise<{ caller: Caller | null; failure: string | null }> {
  const header = req.headers.authorization;
  if (!header) return { caller: null, failure: null };
  const retryAfter = throttle.retryAfterSecondsFor(req);
  if (retryAfter > 0) throw new TooManyRequestsError(retryAfter);
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return refused(throttle, req, "Authorization must be 'Bearer <token>'");
  try {
    return { caller: await verifier.verify(match[1]), failure: null };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      return refused(throttle, req, `Invalid token: ${error.message}`);
    }
    throw error;
  }
}

function refused(throttle: CredentialThrottle, req: IncomingMessage, failure: string) {
  throttle.recordFailureOf(req);
  return { caller: null, failure };
}
