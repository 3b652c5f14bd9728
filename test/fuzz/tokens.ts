import { createSecretKey, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { signToken } from "../../src/auth/jwt";
import { DEMO_CALLERS, DEMO_ORGANIZATION_ID } from "../../src/demo";

export interface FuzzTokens {
  /** Tokens of the demo organization's admin, agent and service callers. */
  valid: string[];
  /** Authorization header values that must be refused (garbage, forged, expired, ill-claimed). */
  bad: string[];
}

async function sign(secret: string, claims: Record<string, unknown>, expires: number | null) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  if (expires !== null) jwt.setExpirationTime(expires);
  return jwt.sign(createSecretKey(Buffer.from(secret)));
}

export async function fuzzTokens(secret: string): Promise<FuzzTokens> {
  const valid = await Promise.all(
    Object.values(DEMO_CALLERS).map((caller) => signToken(secret, caller, "2h")),
  );
  const now = Math.floor(Date.now() / 1000);
  const org = DEMO_ORGANIZATION_ID;
  const claims = (extra: Record<string, unknown>) => ({
    sub: "fuzz",
    org,
    roles: ["admin"],
    ...extra,
  });
  const otherSecret = randomBytes(32).toString("hex");
  const signed = await Promise.all([
    sign(otherSecret, claims({}), now + 3600),
    sign(secret, claims({}), now - 60),
    sign(secret, claims({}), null),
    sign(secret, claims({ sub: "" }), now + 3600),
    sign(secret, claims({ sub: 42 }), now + 3600),
    sign(secret, claims({ org: "not-a-uuid" }), now + 3600),
    sign(secret, claims({ roles: [] }), now + 3600),
    sign(secret, claims({ roles: ["root"] }), now + 3600),
    sign(secret, claims({ roles: "admin" }), now + 3600),
    sign(secret, claims({ org: "0195f0a0-0000-7000-8000-0000000000ff" }), now + 3600),
    sign(secret, claims({ sub: "x".repeat(2000) }), now + 3600),
  ]);
  const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
    JSON.stringify(claims({ exp: now + 3600 })),
  ).toString("base64url")}.`;
  const bearer = (token: string) => `Bearer ${token}`;
  return {
    valid: valid.map(bearer),
    bad: [
      ...signed.map(bearer),
      bearer(none),
      bearer("garbage"),
      bearer("a.b.c"),
      bearer(`${valid[0].slice(0, -3)}abc`),
      "Bearer",
      "Bearer  ",
      "Basic dXNlcjpwYXNz",
      "bearer\u00e9",
      bearer("x".repeat(4_000)),
    ],
  };
}
