import DataLoader from "dataloader";

/**
 * A per-request DataLoader whose batch function runs one query for all keys and maps the rows
 * back in key order, `null` for a miss (DataLoader README; Hive's stores).
 */
export function oneByKey<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row | null> {
  return new DataLoader<Key, Row | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** Like oneByKey, for one-to-many relations: every key gets its (possibly empty) list. */
export function manyByKey<Key, Row>(
  fetch: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row[]> {
  return new DataLoader<Key, Row[]>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map<Key, Row[]>(keys.map((key) => [key, []]));
    for (const row of rows) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key)!);
  });
}
