import DataLoader from "dataloader";

/** A value, or a promise of it: what a loader answers, and what graphql-js accepts from a resolver. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `use(value)` now when the value is at hand, else once the promise settles; `use` may itself
 * answer a promise (a second relation to load).
 */
export function whenLoaded<T, R>(
  value: MaybePromise<T>,
  use: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(use) : use(value);
}

/**
 * A per-request DataLoader that also keeps the values its batches answered, so that a field
 * whose relation was already loaded (the inbox preloads subscribers and last messages) resolves
 * synchronously: graphql-js completes a plain value in place, where a promise costs it a
 * promiseForObject and a microtask per object.
 */
export class RequestLoader<Key, Value> extends DataLoader<Key, Value> {
  private readonly answered = new Map<Key, Value>();
  private readonly fetch: (keys: readonly Key[]) => Promise<Value[]>;

  constructor(batch: (keys: readonly Key[]) => Promise<Value[]>) {
    super(async (keys) => {
      const values = await batch(keys);
      keys.forEach((key, index) => this.answered.set(key, values[index]));
      return values;
    });
    this.fetch = batch;
  }

  /** DataLoader's load, answered from the values at hand first (primeValue's among them). */
  override load(key: Key): Promise<Value> {
    return this.answered.has(key)
      ? Promise.resolve(this.answered.get(key) as Value)
      : super.load(key);
  }

  /**
   * Records `value` as the answer for `key`, as if a batch had answered it (DataLoader's prime,
   * without its promise per key): for a relation another statement already read. A key already
   * answered keeps its value.
   */
  primeValue(key: Key, value: Value): void {
    if (!this.answered.has(key)) this.answered.set(key, value);
  }

  /**
   * Answers every key not yet answered with one batch, for a caller that wants the values at
   * hand (loadValue) rather than a promise per key as loadMany gives. A key already queued by
   * load() but not yet answered may be fetched twice; the answers are the same rows.
   */
  async preload(keys: Iterable<Key>): Promise<void> {
    const missing: Key[] = [];
    for (const key of keys) if (!this.answered.has(key)) missing.push(key);
    if (!missing.length) return;
    const values = await this.fetch(missing);
    missing.forEach((key, index) => this.primeValue(key, values[index]));
  }

  /** The value itself once a batch has answered for `key`, else `load(key)`. */
  loadValue(key: Key): MaybePromise<Value> {
    return this.answered.has(key) ? (this.answered.get(key) as Value) : this.load(key);
  }
}

/**
 * A per-request loader whose batch function runs one query for all keys and maps the rows back
 * in key order, `null` for a miss (DataLoader README; Hive's stores).
 */
export function oneByKey<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): RequestLoader<Key, Row | null> {
  return new RequestLoader<Key, Row | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** Like oneByKey, for one-to-many relations: every key gets its (possibly empty) list. */
export function manyByKey<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): RequestLoader<Key, Row[]> {
  return new RequestLoader<Key, Row[]>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map<Key, Row[]>(keys.map((key) => [key, []]));
    for (const row of rows) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key)!);
  });
}
