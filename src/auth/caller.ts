export const ROLES = ["admin", "agent", "service"] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: the verified claims of a bearer token (API.md, Callers). */
export interface Caller {
  /** The caller's individual id (JWT `sub`). */
  individualId: string;
  organizationId: string;
  roles: Role[];
}

export function hasAnyRole(caller: Caller, roles: readonly Role[]): boolean {
  return roles.length === 0 || roles.some((role) => caller.roles.includes(role));
}
