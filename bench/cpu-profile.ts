import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/**
 * Runs `work` under the V8 CPU profiler when `path` is set (BENCH_PROFILE), and writes a
 * .cpuprofile there (open it in Chrome DevTools or speedscope): the timed phase alone, without
 * the seeding and start-up that a whole-process --cpu-prof would mix in.
 */
export async function withCpuProfile<T>(path: string | undefined, work: () => Promise<T>) {
  if (!path) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
    console.error(`CPU profile of the timed phase: ${path}`);
  }
}
