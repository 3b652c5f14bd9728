import type { AuthChecker } from "type-graphql";
import type { RequestContext } from "../context";
import { ForbiddenError, UnauthenticatedError } from "../lib/errors";
import { hasAnyRole, type Caller, type Role } from "./caller";

/** The caller of a request, or UNAUTHENTICATED saying why the token was refused. */
export function requireCaller(context: RequestContext): Caller {
  if (!context.caller) throw new UnauthenticatedError(context.authFailure ?? undefined);
  return context.caller;
}

export function requireRole(context: RequestContext, roles: readonly Role[]): Caller {
  const caller = requireCaller(context);
  if (!hasAnyRole(caller, roles)) {
    throw new ForbiddenError(`This operation needs the role ${roles.join(" or ")}`);
  }
  return caller;
}

/** type-graphql's @Authorized(): no roles means any authenticated caller. */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  requireRole(context, roles);
  return true;
};
