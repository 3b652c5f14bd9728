import { and, asc, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { BadUserInputError } from "./errors";

/** Relay connection arguments as every list field takes them (API.md conventions). */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

type CursorValue = string | number | boolean;

/** One column of a keyset ordering; the last key must be unique (the id). */
export interface SortKey<Row> {
  column: PgColumn;
  descending?: boolean;
  /** Reads the key from a row, as stored in the cursor. */
  read(row: Row): CursorValue;
  /** Turns a cursor value back into what the column compares against. */
  decode?(value: CursorValue): unknown;
}

export interface PageRequest {
  limit: number;
  backward: boolean;
  after: CursorValue[] | null;
  before: CursorValue[] | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  nodes: Node[];
  pageInfo: PageInfo;
  /** Counted only when the query asks for it (a getter). */
  readonly totalCount: Promise<number>;
}

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, field: string, keyCount: number): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === keyCount &&
      values.every((value) => ["string", "number", "boolean"].includes(typeof value))
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through: any undecodable cursor is the same client mistake
  }
  throw new BadUserInputError(field, `${field} is not a cursor returned by this list`);
}

function checkPageSize(value: number | null | undefined, field: string): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw new BadUserInputError(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}`);
  }
}

export function parsePageArgs(args: PageArgs, keyCount: number): PageRequest {
  checkPageSize(args.first, "first");
  checkPageSize(args.last, "last");
  if (args.first != null && args.last != null) {
    throw new BadUserInputError("last", "use either first or last, not both");
  }
  const backward = args.last != null || (args.first == null && args.before != null);
  return {
    limit: (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE,
    backward,
    after: args.after ? decodeCursor(args.after, "after", keyCount) : null,
    before: args.before ? decodeCursor(args.before, "before", keyCount) : null,
  };
}

/** (k1, k2, …) strictly after (or before) the cursor, honouring each key's direction. */
function keysetBeyond<Row>(keys: SortKey<Row>[], values: CursorValue[], forward: boolean): SQL {
  const branches = keys.map((key, index) => {
    const value = key.decode ? key.decode(values[index]) : values[index];
    const ascending = !key.descending === forward;
    const equalities = keys
      .slice(0, index)
      .map((prior, priorIndex) =>
        eq(prior.column, prior.decode ? prior.decode(values[priorIndex]) : values[priorIndex]),
      );
    return and(...equalities, ascending ? gt(key.column, value) : lt(key.column, value))!;
  });
  return or(...branches)!;
}

/** The WHERE conditions and ORDER BY for one page; fetch `limit + 1` rows to learn if more exist. */
export function keysetQuery<Row>(keys: SortKey<Row>[], page: PageRequest) {
  const conditions: SQL[] = [];
  if (page.after) conditions.push(keysetBeyond(keys, page.after, true));
  if (page.before) conditions.push(keysetBeyond(keys, page.before, false));
  const orderBy = keys.map((key) =>
    !key.descending !== page.backward ? asc(key.column) : desc(key.column),
  );
  return {
    where: conditions.length ? and(...conditions) : undefined,
    orderBy,
    limit: page.limit + 1,
  };
}

/**
 * keysetQuery as SQL text, for a statement whose text stays the same for every page of one shape
 * (fixed-statements.ts): the cursor values go to `values` as positional parameters, each as
 * Drizzle would bind it (the key's decode, then the column's mapToDriverValue), and `columnSql`
 * names each key's column. `where` is null without a cursor. The limit is written into the text:
 * with `limit $n` Postgres cannot cost a generic plan (it does not know how many rows), keeps
 * choosing custom plans, and plans the statement on every run (a quarter of its CPU for the inbox,
 * in a perf profile of the backends). Page sizes are few, so the texts are few.
 */
export function keysetText<Row>(
  keys: SortKey<Row>[],
  page: PageRequest,
  values: unknown[],
  columnSql: (column: PgColumn) => string,
): { where: string | null; orderBy: string; limit: string } {
  const beyond = (cursor: CursorValue[], forward: boolean) => {
    const params = keys.map((key, index) => {
      const value = key.decode ? key.decode(cursor[index]) : cursor[index];
      values.push(key.column.mapToDriverValue(value));
      return `$${values.length}`;
    });
    const branches = keys.map((key, index) => {
      const equalities = keys
        .slice(0, index)
        .map((prior, priorIndex) => `${columnSql(prior.column)} = ${params[priorIndex]}`);
      const ascending = !key.descending === forward;
      const bound = `${columnSql(key.column)} ${ascending ? ">" : "<"} ${params[index]}`;
      return `(${[...equalities, bound].join(" and ")})`;
    });
    return `(${branches.join(" or ")})`;
  };
  const conditions: string[] = [];
  if (page.after) conditions.push(beyond(page.after, true));
  if (page.before) conditions.push(beyond(page.before, false));
  const limit = page.limit + 1;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`Bad page limit ${limit}`);
  return {
    where: conditions.length ? conditions.join(" and ") : null,
    orderBy: keysetOrderText(keys, page, columnSql),
    limit: String(limit),
  };
}

/** keysetText's ORDER BY alone: for a statement that orders the page's rows again, by other names. */
export function keysetOrderText<Row>(
  keys: SortKey<Row>[],
  page: PageRequest,
  columnSql: (column: PgColumn) => string,
): string {
  return keys
    .map((key) => `${columnSql(key.column)} ${!key.descending !== page.backward ? "asc" : "desc"}`)
    .join(", ");
}

/**
 * A page as a Connection: edges and the total built only when asked for (a query that reads only
 * nodes, the inbox, encodes no cursor per row and counts nothing). A class, where an object
 * literal with getters would do: V8's scavenger keeps what a literal's accessors close over
 * (compiled-executor.ts says more), here the whole page, for two young-generation collections.
 */
class PageConnection<Row, Node> implements Connection<Node> {
  #edges: { cursor: string; node: Node }[] | undefined;
  #total: Promise<number> | undefined;

  constructor(
    readonly nodes: Node[],
    readonly pageInfo: PageInfo,
    private readonly rows: Row[],
    private readonly cursorOf: (row: Row) => string,
    private readonly countTotal: () => Promise<number>,
  ) {}

  get edges() {
    this.#edges ??= this.rows.map((row, index) => ({
      cursor: this.cursorOf(row),
      node: this.nodes[index],
    }));
    return this.#edges;
  }

  get totalCount() {
    // Drizzle builders are thenables that run again on every then(): settle once.
    this.#total ??= Promise.resolve(this.countTotal());
    return this.#total;
  }
}

export function toConnection<Row, Node = Row>(
  rows: Row[],
  page: PageRequest,
  keys: SortKey<Row>[],
  countTotal: () => Promise<number>,
  toNode: (row: Row) => Node = (row) => row as unknown as Node,
): Connection<Node> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (page.backward) pageRows.reverse();
  const cursorOf = (row: Row) => encodeCursor(keys.map((key) => key.read(row)));
  return new PageConnection(
    pageRows.map(toNode),
    {
      hasNextPage: page.backward ? page.before !== null : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.after !== null,
      startCursor: pageRows.length ? cursorOf(pageRows[0]) : null,
      endCursor: pageRows.length ? cursorOf(pageRows[pageRows.length - 1]) : null,
    },
    pageRows,
    cursorOf,
    countTotal,
  );
}

/** The usual ordering: by id, which is a UUIDv7 and so follows creation order. */
export function byId<Row extends { id: string }>(column: PgColumn): SortKey<Row>[] {
  return [{ column, read: (row) => row.id }];
}

/**
 * Runs one keyset page: `fetchRows` gets the filter plus the cursor bounds, the order and the
 * limit; `countRows` gets the filter alone and runs only if totalCount is asked for.
 */
export async function fetchPage<Row>(
  args: PageArgs,
  keys: SortKey<Row>[],
  filter: SQL | undefined,
  fetchRows: (where: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>,
  countRows: (where: SQL | undefined) => Promise<number>,
): Promise<Connection<Row>> {
  const page = parsePageArgs(args, keys.length);
  const query = keysetQuery(keys, page);
  const rows = await fetchRows(and(filter, query.where), query.orderBy, query.limit);
  return toConnection(rows, page, keys, () => countRows(filter));
}
