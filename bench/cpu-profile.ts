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
  // BENCH_PROFILE_HEAP=1: a sampling profile of what the timed phase allocates (collected objects
  // included, so it shows allocation rather than what is left), where the CPU profile would go.
  // BENCH_PROFILE_HEAP=old: only what outlives the young generation (promoted to the old one).
  const heapMode = process.env.BENCH_PROFILE_HEAP;
  const heap = heapMode === "1" || heapMode === "old";
  if (heap) {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: heapMode === "1",
    });
  } else {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  try {
    return await work();
  } finally {
    const { profile } = heap
      ? await session.post("HeapProfiler.stopSampling")
      : await session.post("Profiler.stop");
    const file = heap ? path.replace(/\.cpuprofile$/, ".heapprofile") : path;
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.error(`${heap ? "Heap" : "CPU"} profile of the timed phase: ${file}`);
  }
}
