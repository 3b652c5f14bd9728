import { Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from "graphql";
import { QueryTooComplexError } from "./lib/errors";

/** Deep enough for every real query of the graph (inbox → lastMessage → author → …). */
export const MAX_QUERY_DEPTH = 12;
/** Field selections in one document, counting every fragment spread where it is used. */
export const MAX_QUERY_FIELDS = 2_000;

/**
 * Refuses documents deeper than MAX_QUERY_DEPTH or wider than MAX_QUERY_FIELDS before they run,
 * so one request cannot make the server resolve an unbounded tree.
 */
export function queryLimitsRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map(
    context
      .getDocument()
      .definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment.selectionSet]),
  );
  let fields = 0;

  function measure(selectionSet: SelectionSetNode, depth: number, seen: Set<string>): number {
    let deepest = depth;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.selectionSet)
          deepest = Math.max(deepest, measure(selection.selectionSet, depth + 1, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, measure(selection.selectionSet, depth, seen));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(selection.name.value)) {
          deepest = Math.max(
            deepest,
            measure(fragment, depth, new Set(seen).add(selection.name.value)),
          );
        }
      }
      if (fields > MAX_QUERY_FIELDS) return deepest;
    }
    return deepest;
  }

  return {
    OperationDefinition(operation) {
      fields = 0;
      const depth = measure(operation.selectionSet, 1, new Set());
      if (depth > MAX_QUERY_DEPTH) {
        context.reportError(
          new QueryTooComplexError(`Query depth ${depth} exceeds the limit of ${MAX_QUERY_DEPTH}`),
        );
      } else if (fields > MAX_QUERY_FIELDS) {
        context.reportError(
          new QueryTooComplexError(`Query selects more than ${MAX_QUERY_FIELDS} fields`),
        );
      }
    },
  };
}
