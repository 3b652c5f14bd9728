import { signToken } from "./auth/jwt";
import { startApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { DEMO_CALLERS, DEMO_ORGANIZATION_ID, seedDemoOrganization } from "./demo";

/** How long past the shutdown grace closing the database may take before the process exits anyway. */
const SHUTDOWN_BACKSTOP_MS = 3_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await startApp(config, {
    async beforeListen(services, database) {
      if (database.kind === "pglite" && !(await services.organizations.hasAny())) {
        await seedDemoOrganization(services);
      }
    },
    async sandboxToken(services, secret) {
      if (config.nodeEnv === "production" || !secret) return undefined;
      if (!(await services.organizations.get(DEMO_ORGANIZATION_ID))) return undefined;
      return signToken(secret, DEMO_CALLERS.admin);
    },
  });
  console.log(`Switchboard ready at ${app.server.url} (${app.database.kind})`);
  if (
    app.config.nodeEnv !== "production" &&
    app.jwtSecret &&
    (await app.services.organizations.get(DEMO_ORGANIZATION_ID))
  ) {
    console.log(
      "Development tokens for the demo organization (send as 'Authorization: Bearer <token>'):",
    );
    for (const [role, caller] of Object.entries(DEMO_CALLERS)) {
      console.log(`  ${role.padEnd(7)} ${await signToken(app.jwtSecret, caller)}`);
    }
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal, graceMs: app.config.shutdownGraceMs }, "shutting down");
    // app.stop() answers every request by the end of the grace; closing the database after it
    // may wait on one that does not answer, which must not keep the process up for long.
    const backstop = setTimeout(() => {
      app.logger.warn("the database did not close in time; exiting");
      process.exit(0);
    }, app.config.shutdownGraceMs + SHUTDOWN_BACKSTOP_MS);
    backstop.unref();
    try {
      await app.stop();
    } catch (error) {
      app.logger.warn({ err: error }, "shutdown did not complete cleanly");
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
