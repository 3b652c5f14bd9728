/** A request target's path, without its query string: `/graphql?x=1` → `/graphql`. */
export function pathOf(url: string | undefined): string {
  const target = url ?? "";
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

/** A request target's query string with its `?`, or "" when it has none. */
export function searchOf(url: string | undefined): string {
  const target = url ?? "";
  const query = target.indexOf("?");
  return query === -1 ? "" : target.slice(query);
}
