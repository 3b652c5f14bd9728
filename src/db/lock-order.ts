/**
 * A copy of `rows` ordered by `key`: the one order in which every writer inserts or locks the
 * rows of a batch (preferences by value, ledger keys, pending opt-ins, texts by recipient), so
 * that two batches sharing rows wait for each other instead of deadlocking. Plain string order,
 * which matches Postgres's "C" collation for the ASCII values these keys hold.
 */
export function inLockOrder<Row>(rows: readonly Row[], key: (row: Row) => string): Row[] {
  return [...rows].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
