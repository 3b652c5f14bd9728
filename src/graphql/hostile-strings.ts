import type { BaseContext } from "@apollo/server";
import {
  visit,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { BadUserInputError } from "../lib/errors";
import { DONE, type RequestHooks } from "./plugin-hooks";
import { findUnstorableString, unstorableCharacterIn } from "../lib/validate";

type Found = { field: string; problem: string } | null;

/** A literal's first unstorable string, following variables into the request's values. */
function findInValue(node: ValueNode, path: string, variables: Record<string, unknown>): Found {
  switch (node.kind) {
    case "StringValue":
      return findUnstorableString(node.value, path);
    case "Variable":
      return findUnstorableString(variables[node.name.value], path);
    case "ListValue":
      for (let index = 0; index < node.values.length; index += 1) {
        const found = findInValue(node.values[index], `${path}.${index}`, variables);
        if (found) return found;
      }
      return null;
    case "ObjectValue":
      for (const field of node.fields) {
        const found = findInValue(field.value, `${path}.${field.name.value}`, variables);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

function findInSelections(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  visited: Set<string>,
): Found {
  for (const selection of selectionSet?.selections ?? []) {
    const found =
      findInDirectives(selection.directives, variables) ??
      (selection.kind === "Field"
        ? (findInArguments(selection.arguments ?? [], variables) ??
          findInSelections(selection.selectionSet, fragments, variables, visited))
        : selection.kind === "InlineFragment"
          ? findInSelections(selection.selectionSet, fragments, variables, visited)
          : findInFragment(selection.name.value, fragments, variables, visited));
    if (found) return found;
  }
  return null;
}

function findInFragment(
  name: string,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  visited: Set<string>,
): Found {
  if (visited.has(name)) return null;
  visited.add(name);
  return findInSelections(fragments.get(name)?.selectionSet, fragments, variables, visited);
}

function findInArguments(
  args: readonly { name: { value: string }; value: ValueNode }[],
  variables: Record<string, unknown>,
): Found {
  for (const argument of args) {
    const found = findInValue(argument.value, argument.name.value, variables);
    if (found) return found;
  }
  return null;
}

function findInDirectives(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): Found {
  for (const directive of directives ?? []) {
    const found = findInArguments(directive.arguments ?? [], variables);
    if (found) return found;
  }
  return null;
}

/** Per parsed document (Apollo keeps one per distinct query text): whether a literal is unstorable. */
const literalVerdicts = new WeakMap<DocumentNode, boolean>();

function hasUnstorableLiteral(document: DocumentNode): boolean {
  let verdict = literalVerdicts.get(document);
  if (verdict === undefined) {
    verdict = false;
    visit(document, {
      StringValue(node) {
        if (unstorableCharacterIn(node.value)) verdict = true;
      },
    });
    literalVerdicts.set(document, verdict);
  }
  return verdict;
}

/** The first unstorable string the operation would hand a resolver, named from its argument. */
export function findUnstorableArgument(
  document: DocumentNode,
  operationSelections: SelectionSetNode,
  variables: Record<string, unknown>,
): Found {
  // The common case, nothing to find, costs a scan of the variables and a lookup: the walk
  // below, which names the field, runs only when there is something to name.
  if (!findUnstorableString(variables, "") && !hasUnstorableLiteral(document)) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === "FragmentDefinition") fragments.set(definition.name.value, definition);
  }
  return (
    findInSelections(operationSelections, fragments, variables, new Set()) ??
    // Variables no argument uses (or only a directive): named by the variable.
    findUnstorableString(variables, "")
  );
}

/**
 * Refuses, before anything runs, an operation with a NUL or an unpaired surrogate in any string
 * it carries (literals and variables, at any depth): BAD_USER_INPUT naming the field by its dot
 * path from the argument (`input.name`, `input.participants.0.firstName`), HTTP 400. Without it
 * Postgres refuses such a string mid-statement (22021, 22P05) and the caller saw a masked
 * INTERNAL_SERVER_ERROR, with the SQL parameters in the log.
 */
export function hostileStringsHooks(): RequestHooks<BaseContext> {
  return {
    didResolveOperation({ document, operation, request, response }) {
      if (!operation) return DONE;
      const found = findUnstorableArgument(
        document,
        operation.selectionSet,
        request.variables ?? {},
      );
      if (!found) return DONE;
      response.http.status = 400;
      throw new BadUserInputError(found.field, `${found.field} must not contain ${found.problem}`);
    },
  };
}
