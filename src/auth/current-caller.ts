import { createParameterDecorator } from "type-graphql";
import type { RequestContext } from "../context";
import { requireCaller } from "./auth-checker";

/** Injects the authenticated caller, answering UNAUTHENTICATED when there is none. */
export function CurrentCaller() {
  return createParameterDecorator<RequestContext>(({ context }) => requireCaller(context));
}
