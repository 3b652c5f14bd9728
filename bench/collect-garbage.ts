import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection now, without starting node with --expose-gc: what a benchmark's
 * seeding left behind (bench:messaging's inserts, ≈ 600 MB of dead statements and rows in this
 * process) is otherwise collected during the timed run, in one mark-compact of the whole heap
 * (73 ms of marking there, and the sweeper threads on both cores), which a server that has been
 * up a while does not pay.
 */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
}
