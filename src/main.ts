import { signToken } from "./auth/jwt";
import { startApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { DEMO_CALLERS, DEMO_ORGANIZATION_ID, seedDemoOrganization } from "./demo";

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
  const shutdown = async (signal: string) => {
    app.logger.info({ signal }, "shutting down");
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
