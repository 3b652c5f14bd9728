import { InvalidTokenError, type TokenVerifier } from "./jwt";

/**
 * Refuses a well-signed token whose `org` names no organization (UNAUTHENTICATED): its reads
 * would answer nothing and its writes fail on the organizations foreign key. Organizations are
 * never deleted, so one seen to exist is remembered for the life of the process; one that does
 * not is asked again each time (only a holder of the signing key can present such a token).
 */
export function withKnownOrganizations(
  verifier: TokenVerifier,
  organizationExists: (organizationId: string) => Promise<boolean>,
): TokenVerifier {
  const known = new Set<string>();
  return {
    async verify(token) {
      const caller = await verifier.verify(token);
      if (known.has(caller.organizationId)) return caller;
      if (!(await organizationExists(caller.organizationId))) {
        throw new InvalidTokenError("the token's organization does not exist");
      }
      known.add(caller.organizationId);
      return caller;
    },
  };
}
