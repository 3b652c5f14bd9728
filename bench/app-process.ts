/**
 * One more instance of the app in a process of its own, for the benchmarks' BENCH_INSTANCES: the
 * parent passes the environment, this process starts the app on it and answers its URL over IPC,
 * then stops on "stop". Instances share nothing but the database, as in production.
 */
import { startApp } from "../src/app";
import { loadConfig } from "../src/config";

async function main(): Promise<void> {
  const app = await startApp(loadConfig(JSON.parse(process.env.BENCH_APP_ENV!)));
  // Dropping the database at the end terminates connections the pool may still hold.
  app.database.pool?.on("error", () => undefined);
  process.on("message", (message) => {
    if (message === "stop") void app.stop().then(() => process.exit(0));
  });
  process.send!({ url: app.server.url });
}

void main();
