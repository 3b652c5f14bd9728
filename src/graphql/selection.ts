import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

type Enter = (name: string, set?: SelectionSetNode) => void;

/** Calls `enter` for each field of the selection set, fragments and inline fragments spread. */
function visitFields(
  info: Pick<GraphQLResolveInfo, "fragments">,
  set: SelectionSetNode | undefined,
  enter: Enter,
): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === "Field") enter(selection.name.value, selection.selectionSet);
    else if (selection.kind === "InlineFragment") visitFields(info, selection.selectionSet, enter);
    else visitFields(info, info.fragments[selection.name.value]?.selectionSet, enter);
  }
}

/** Whether the field being resolved selects `name` among its own fields. */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  let found = false;
  for (const field of info.fieldNodes) {
    visitFields(info, field.selectionSet, (selected) => {
      found ||= selected === name;
    });
  }
  return found;
}

/**
 * The field paths selected under the connection's nodes (`nodes { … }` or `edges { node { … } }`),
 * dotted and up to `depth` fields deep: `subscribers`, `subscribers.individual`, ….
 */
export function nodeFieldPaths(info: GraphQLResolveInfo, depth = 2): Set<string> {
  const paths = new Set<string>();
  const inNode = (prefix: string, level: number) => (name: string, set?: SelectionSetNode) => {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.add(path);
    if (level < depth) visitFields(info, set, inNode(path, level + 1));
  };
  const toNodes = (name: string, set?: SelectionSetNode) => {
    if (name === "nodes") visitFields(info, set, inNode("", 1));
    else if (name === "edges")
      visitFields(
        info,
        set,
        (edgeField, nodeSet) => edgeField === "node" && visitFields(info, nodeSet, inNode("", 1)),
      );
  };
  for (const field of info.fieldNodes) visitFields(info, field.selectionSet, toNodes);
  return paths;
}
