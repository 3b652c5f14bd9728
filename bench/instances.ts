import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** How many instances serve a benchmark: the in-process one and BENCH_INSTANCES - 1 others. */
export const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);

/** The environment every benchmark's app runs with, on its throwaway database. */
export function benchAppEnv(
  databaseUrl: string,
  jwtSecret: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    JWT_SECRET: jwtSecret,
    // BENCH_LOG_LEVEL=info writes the access log (one line a request) to stdout, as in production.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
    EXPOSE_SQL_STATEMENT_COUNT: "false",
    // OTEL_EXPORTER_OTLP_ENDPOINT and the rest: the cost of tracing on (bench/README.md).
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("OTEL_"))),
    ...extra,
  };
}

export interface ExtraInstances {
  /** The other instances' GraphQL URLs. */
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts `INSTANCES - 1` more instances of the app on the same environment, each in its own
 * process (bench/app-process.ts), as a load balancer in front of several would see them.
 */
export async function startExtraInstances(env: Record<string, string>): Promise<ExtraInstances> {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let index = 1; index < INSTANCES; index += 1) {
    const child = fork(new URL("./app-process.ts", import.meta.url), {
      // The V8 flags the benchmark runs with (package.json), which `npm start` gives the server.
      execArgv: [
        "--import",
        "tsx",
        ...process.execArgv.filter((flag) => flag.startsWith("--max-")),
      ],
      env: { ...process.env, BENCH_APP_ENV: JSON.stringify(env) },
    });
    children.push(child);
    const [reply] = (await once(child, "message")) as [{ url: string }];
    urls.push(reply.url);
  }
  return {
    urls,
    pids: children.map((child) => child.pid!),
    async stop() {
      await Promise.all(
        children.map((child) => {
          child.send("stop");
          return once(child, "exit");
        }),
      );
    },
  };
}
