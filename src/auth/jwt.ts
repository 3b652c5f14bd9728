import { createSecretKey, type KeyObject } from "node:crypto";
import { errors, importSPKI, jwtVerify, SignJWT } from "jose";
import type { JwtConfig } from "../config";
import { isUuid } from "../lib/ids";
import { ROLES, type Caller, type Role } from "./caller";

export class InvalidTokenError extends Error {}

export interface TokenVerifier {
  verify(token: string): Promise<Caller>;
}

function callerFromClaims(payload: Record<string, unknown>): Caller {
  const { sub, org, roles } = payload;
  // The sub is the caller's individual: messages, subscriptions and receipts are stored under it.
  if (typeof sub !== "string" || !isUuid(sub)) {
    throw new InvalidTokenError("the token's sub claim is not an individual id (a UUID)");
  }
  if (typeof org !== "string" || !isUuid(org)) {
    throw new InvalidTokenError("the token's org claim is not an organization id");
  }
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((role) => ROLES.includes(role as Role))
  ) {
    throw new InvalidTokenError(`the token's roles claim must list some of ${ROLES.join(", ")}`);
  }
  return {
    individualId: sub.toLowerCase(),
    organizationId: org.toLowerCase(),
    roles: roles as Role[],
  };
}

/** Verified tokens remembered per process, so a client's every request does not redo the crypto. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Wraps a verifier with a bounded cache of verified callers, each kept only until its token's
 * `exp`; a refused token is never cached.
 */
function withVerifiedCache(
  verify: (token: string) => Promise<{ caller: Caller; expiresAt: number }>,
): TokenVerifier {
  const cache = new Map<string, { caller: Caller; expiresAt: number }>();
  return {
    async verify(token) {
      const hit = cache.get(token);
      if (hit && hit.expiresAt > Date.now()) return hit.caller;
      if (hit) cache.delete(token);
      const verified = await verify(token);
      if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(token, verified);
      return verified.caller;
    },
  };
}

export async function createTokenVerifier(config: JwtConfig): Promise<TokenVerifier> {
  const key: KeyObject | Awaited<ReturnType<typeof importSPKI>> =
    config.kind === "secret"
      ? createSecretKey(Buffer.from(config.secret))
      : await importSPKI(config.publicKeyPem, config.algorithm);
  const algorithms = config.kind === "secret" ? ["HS256"] : [config.algorithm];
  return withVerifiedCache(async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms });
      if (typeof payload.exp !== "number")
        throw new InvalidTokenError("the token has no exp claim");
      return { caller: callerFromClaims(payload), expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError("the token has expired");
      throw new InvalidTokenError("the token could not be verified");
    }
  });
}

/** Signs an HS256 token, for development tokens printed at start and for tests. */
export async function signToken(
  secret: string,
  caller: Caller,
  expiresIn: string | number = "30d",
): Promise<string> {
  return new SignJWT({ org: caller.organizationId, roles: caller.roles })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(caller.individualId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(createSecretKey(Buffer.from(secret)));
}
