import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * The field paths selected under the connection's nodes (`nodes { … }` or `edges { node { … } }`),
 * dotted and up to `depth` fields deep: `subscribers`, `subscribers.individual`, ….
 */
export function nodeFieldPaths(info: GraphQLResolveInfo, depth = 2): Set<string> {
  const paths = new Set<string>();
  const visit = (
    set: SelectionSetNode | undefined,
    enter: (name: string, set?: SelectionSetNode) => void,
  ) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === "Field") enter(selection.name.value, selection.selectionSet);
      else if (selection.kind === "InlineFragment") visit(selection.selectionSet, enter);
      else visit(info.fragments[selection.name.value]?.selectionSet, enter);
    }
  };
  const inNode = (prefix: string, level: number) => (name: string, set?: SelectionSetNode) => {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.add(path);
    if (level < depth) visit(set, inNode(path, level + 1));
  };
  const toNodes = (name: string, set?: SelectionSetNode) => {
    if (name === "nodes") visit(set, inNode("", 1));
    else if (name === "edges")
      visit(set, (edgeField, nodeSet) => edgeField === "node" && visit(nodeSet, inNode("", 1)));
  };
  for (const field of info.fieldNodes) visit(field.selectionSet, toNodes);
  return paths;
}
