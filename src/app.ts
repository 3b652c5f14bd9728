import type express from "express";
import type { DestinationStream } from "pino";
import { CredentialThrottle } from "./auth/credential-throttle";
import { resolveJwtSecret } from "./auth/dev-secret";
import { createTokenVerifier } from "./auth/jwt";
import type { Config } from "./config";
import { openDatabase, type DatabaseHandle } from "./db/client";
import { answerWithin } from "./lib/deadline";
import { migrateDatabase } from "./db/migrate";
import { createLogger, type Logger } from "./logger";
import { Metrics } from "./observability/metrics";
import { metricsRoute } from "./observability/metrics-route";
import { startTracing } from "./observability/tracing";
import { startServer, type RunningServer, type ServerOptions } from "./server";
import { createOptOutIngressRouter } from "./modules/consent/opt-out-ingress.router";
import { createTextWebhooksRouter } from "./modules/text/text-webhooks.router";
import { TwilioWebhooks } from "./modules/text/twilio-webhooks";
import { twilioWebhookRoute } from "./modules/text/twilio-webhooks.http";
import { createServices, type Services } from "./services";

export interface App {
  config: Config;
  database: DatabaseHandle;
  services: Services;
  server: RunningServer;
  logger: Logger;
  /** What GET /metrics reports. */
  metrics: Metrics;
  /** The HS256 secret in force, when tokens are signed with one (development, tests). */
  jwtSecret: string | null;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Runs after migration and before the server listens (the demo seed). */
  beforeListen?(services: Services, database: DatabaseHandle): Promise<void>;
  sandboxToken?(services: Services, jwtSecret: string | null): Promise<string | undefined>;
  /** Where log lines go instead of stdout (tests that read them). */
  logDestination?: DestinationStream;
  /** More Apollo Server plugins (an embedding's own: usage reporting, field metrics, tests). */
  plugins?: ServerOptions["plugins"];
}

/** Opens the database, migrates it, and serves the graph: everything `npm start` and the tests run. */
export async function startApp(baseConfig: Config, options: AppOptions = {}): Promise<App> {
  const config: Config = { ...baseConfig, jwt: resolveJwtSecret(baseConfig) };
  const logger = createLogger(config, options.logDestination);
  const tracing = await startTracing(config.tracing, logger);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    deadlines: config.deadlines,
    onConnectionError: (error) =>
      logger.warn({ err: error }, "a database connection failed; the pool replaces it"),
    statementTracing: tracing?.statements,
  });
  try {
    await migrateDatabase(database);
    const metrics = new Metrics({
      pool: database.pool,
      outboxDeadlineMs: config.deadlines.readinessMs,
    });
    const services = createServices(database.db, config, logger, (groupCommit) => ({
      onBatch: metrics.batchSizeObserver(groupCommit),
      tracing: tracing?.batches,
    }));
    metrics.watchOutbox("texts", () => services.texts.outboxStatus());
    metrics.watchOutbox("opt_out_requests", () => services.consent.outboxStatus());
    await options.beforeListen?.(services, database);
    const jwtSecret = config.jwt.kind === "secret" ? config.jwt.secret : null;
    const verifier = await createTokenVerifier(config.jwt);
    // One count of refused credentials per source address, across GraphQL and the REST routes.
    const throttle = new CredentialThrottle(config.authThrottle);
    const twilio = new TwilioWebhooks(
      config,
      services.texts,
      services.inboundTexts,
      throttle,
      logger,
    );
    const routes: express.Router[] = [
      createTextWebhooksRouter(twilio, services.texts, verifier, throttle, logger),
      createOptOutIngressRouter(config.serviceAccounts, services.consent, throttle, logger),
    ];
    const server = await startServer({
      config,
      db: database.db,
      services,
      verifier,
      throttle,
      logger,
      routes,
      plainRoutes: [twilioWebhookRoute(twilio), metricsRoute(metrics, logger)],
      sandboxToken: await options.sandboxToken?.(services, jwtSecret),
      plugins: options.plugins,
      onOperation: (record) => metrics.observeOperation(record),
      tracing: tracing?.requests,
    });
    services.publicUrl.origin ??= new URL(server.url).origin;
    if (config.runWorkers) for (const worker of services.workers) worker.start();
    return {
      config,
      database,
      services,
      server,
      logger,
      metrics,
      jwtSecret,
      async stop() {
        const graceMs = config.shutdownGraceMs;
        // Requests drain while the workers finish their round and hand back what they claimed;
        // a worker stuck on an unanswering database is not waited for past the grace.
        const workersStopped = Promise.all(services.workers.map((worker) => worker.stop()));
        await Promise.all([server.drain(graceMs), answerWithin(workersStopped, graceMs)]);
        await server.stop();
        await database.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    await tracing?.shutdown().catch(() => undefined);
    throw error;
  }
}
