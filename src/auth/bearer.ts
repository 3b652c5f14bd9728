import type { IncomingMessage } from "node:http";
import type { Caller } from "./caller";
import { InvalidTokenError, type TokenVerifier } from "./jwt";

/** The caller of an HTTP request with `Authorization: Bearer <JWT>`, or why there is none. */
export async function authenticate(
  verifier: TokenVerifier,
  req: IncomingMessage,
): Promise<{ caller: Caller | null; failure: string | null }> {
  const header = req.headers.authorization;
  if (!header) return { caller: null, failure: null };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { caller: null, failure: "Authorization must be 'Bearer <token>'" };
  try {
    return { caller: await verifier.verify(match[1]), failure: null };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      return { caller: null, failure: `Invalid token: ${error.message}` };
    }
    throw error;
  }
}
