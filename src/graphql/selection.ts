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

const selectedByNodes = new WeakMap<GraphQLResolveInfo["fieldNodes"], ReadonlySet<string>>();

/**
 * The names of the fields the field being resolved selects of its value, worked out once per
 * place in the document (its field nodes are the same objects every time it resolves).
 */
export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  let selected = selectedByNodes.get(info.fieldNodes);
  if (!selected) {
    const names = new Set<string>();
    for (const field of info.fieldNodes) {
      visitFields(info, field.selectionSet, (name) => names.add(name));
    }
    selectedByNodes.set(info.fieldNodes, (selected = names));
  }
  return selected;
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
