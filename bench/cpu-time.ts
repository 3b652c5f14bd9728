import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function ticksOf(statPath: string): number {
  try {
    // Fields after the parenthesized command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(statPath, "utf8").split(") ")[1].split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") {
        ticks += ticksOf(`/proc/${pid}/stat`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

/**
 * CPU seconds spent by the servers — this process's main thread (the in-process app's event
 * loop: the load clients run on a worker thread) and the whole of each process in `otherServers`
 * — and by every Postgres process, while `work` runs. These move less than throughput when other
 * work shares the machine (the Postgres figure counts every database's work, though). Linux only
 * (/proc); elsewhere both read 0.
 */
export async function withCpuTime<T>(
  work: () => Promise<T>,
  otherServers: readonly number[] = [],
): Promise<{ result: T; serverSeconds: number; postgresSeconds: number }> {
  const serverTicks = () =>
    [`/proc/self/task/${process.pid}/stat`, ...otherServers.map((pid) => `/proc/${pid}/stat`)]
      .map(ticksOf)
      .reduce((sum, ticks) => sum + ticks, 0);
  const [server, postgres] = [serverTicks(), postgresTicks()];
  const result = await work();
  return {
    result,
    serverSeconds: (serverTicks() - server) / TICKS_PER_SECOND,
    postgresSeconds: (postgresTicks() - postgres) / TICKS_PER_SECOND,
  };
}
