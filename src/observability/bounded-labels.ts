/** The operation types a label may take, in the order `BoundedLabels` indexes its children. */
export const OPERATION_TYPES = ["query", "mutation", "subscription", "unknown"] as const;

export type OperationTypeIndex = 0 | 1 | 2 | 3;

export function operationTypeIndex(
  type: "query" | "mutation" | "subscription" | null,
): OperationTypeIndex {
  return type === "query" ? 0 : type === "mutation" ? 1 : type === "subscription" ? 2 : 3;
}

/**
 * The label of values past the bound. Parenthesized, as the reserved values are, so that no
 * GraphQL name or error code a caller sends can take it.
 */
export const OTHER = "(other)";

/**
 * A metric's children labelled by a value its callers choose (an operation name, an error code)
 * and by operation type. Each child is made once: prom-client's `labels()` builds a label object
 * and closures per call, which the hot path should not pay per request. At most `limit` distinct
 * values matching `shape` get a label of their own, kept for the process's life; every later or
 * malformed value counts under OTHER, so no caller can grow the scrape (or Prometheus's series)
 * without bound.
 */
export class BoundedLabels<Child> {
  private readonly byValue = new Map<string, Child[]>();
  private readonly reserved: number;

  constructor(
    private readonly limit: number,
    private readonly shape: RegExp,
    private readonly childOf: (value: string, operationType: string) => Child,
    reserved: readonly string[] = [],
  ) {
    for (const value of [OTHER, ...reserved]) this.byValue.set(value, this.childrenOf(value));
    this.reserved = this.byValue.size;
  }

  child(value: string, type: OperationTypeIndex): Child {
    let children = this.byValue.get(value);
    if (children === undefined) {
      if (this.byValue.size - this.reserved >= this.limit || !this.shape.test(value)) {
        return this.byValue.get(OTHER)![type];
      }
      children = this.childrenOf(value);
      this.byValue.set(value, children);
    }
    return children[type];
  }

  /** Values labelled as themselves so far (the reserved ones not counted). */
  get size(): number {
    return this.byValue.size - this.reserved;
  }

  private childrenOf(value: string): Child[] {
    return OPERATION_TYPES.map((type) => this.childOf(value, type));
  }
}
