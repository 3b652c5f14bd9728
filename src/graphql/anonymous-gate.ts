import {
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { UnauthenticatedError } from "../lib/errors";

/**
 * Tokens an anonymous document may have. Sandbox's full introspection query has 184; nothing an
 * anonymous caller may ask (`__typename`, introspection, `_service`) needs more.
 */
export const ANONYMOUS_MAX_TOKENS = 1_000;
/** The body an anonymous caller may send (Sandbox's introspection query is 2 KB); past it, unread. */
export const ANONYMOUS_MAX_BODY_BYTES = 64 * 1024;

const INTROSPECTION_FIELDS = new Set(["__typename", "__schema", "__type"]);

/** Whether every root field of every operation, through fragments, is one of `allowed`. */
function selectsOnly(document: DocumentNode, allowed: Set<string>): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const visited = new Set<string>();
  const check = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return allowed.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return check(selection.selectionSet);
      const name = selection.name.value;
      if (visited.has(name)) return true;
      visited.add(name);
      const fragment = fragments.get(name);
      return fragment ? check(fragment.selectionSet) : false;
    });
  return document.definitions.every(
    (definition) => definition.kind !== Kind.OPERATION_DEFINITION || check(definition.selectionSet),
  );
}

/** An answer given without Apollo: the error's code and message, as Apollo would format them. */
export interface GateRefusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function refusalOf(
  status: number,
  error: GraphQLError,
  extensions: Record<string, unknown>,
  headers: Record<string, string> = {},
): GateRefusal {
  const { message, locations } = error;
  const body = JSON.stringify({ errors: [{ message, locations, extensions }] });
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body,
  };
}

/**
 * A coded error that carries its HTTP answer (TooManyRequestsError from authentication, say),
 * thrown before Apollo has the request, as the answer Apollo would give; null for anything else.
 */
export function refusalOfCodedError(error: unknown): GateRefusal | null {
  if (!(error instanceof GraphQLError)) return null;
  const { http, ...extensions } = error.extensions as {
    code?: unknown;
    http?: { status?: number; headers?: Map<string, string> };
  };
  if (typeof extensions.code !== "string" || !http?.status) return null;
  return refusalOf(http.status, error, extensions, Object.fromEntries(http.headers ?? []));
}

/**
 * Refuses an anonymous caller's document before Apollo parses or validates it: it is parsed here
 * with a small token cap, and unless it asks only for `__typename`, introspection or the
 * federation SDL (with FEDERATION_SDL_PUBLIC), the answer is UNAUTHENTICATED (401). Validating a
 * large document costs up to a second, and it would otherwise be done for anyone who can reach
 * the port. Runs in the HTTP layer: an error thrown from an Apollo plugin hook before execution
 * becomes Apollo's masked "Internal server error".
 */
export function anonymousGate(options: { federationSdlPublic: boolean }) {
  // Introspection passes even where it is off, for graphql-js to refuse as a validation error.
  const allowed = new Set(["__typename", ...INTROSPECTION_FIELDS]);
  if (options.federationSdlPublic) allowed.add("_service");
  const unauthenticated = (authFailure: string | null) =>
    refusalOf(
      401,
      new UnauthenticatedError(authFailure ?? undefined),
      { code: "UNAUTHENTICATED" },
      {
        "www-authenticate": "Bearer",
      },
    );
  return {
    maxBodyBytes: ANONYMOUS_MAX_BODY_BYTES,
    /** The answer to an anonymous body over maxBodyBytes. */
    oversized: unauthenticated,
    refuse(query: unknown, authFailure: string | null): GateRefusal | null {
      // A body without a query string is Apollo's to refuse (or an anonymous persisted query
      // hash, which can only name a document that passed this gate or a signed caller's limits).
      if (typeof query !== "string") return null;
      let document: DocumentNode;
      try {
        document = parse(query, { maxTokens: ANONYMOUS_MAX_TOKENS, noLocation: true });
      } catch (error) {
        if (error instanceof GraphQLError && !/more tha[nt] \d+ tokens/.test(error.message)) {
          // What Apollo would answer, from the parse already made.
          return refusalOf(400, error, { code: "GRAPHQL_PARSE_FAILED" });
        }
        return unauthenticated(authFailure);
      }
      return selectsOnly(document, allowed) ? null : unauthenticated(authFailure);
    },
  };
}

export type AnonymousGate = ReturnType<typeof anonymousGate>;
