import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import { authenticate } from "./auth/bearer";
import type { TokenVerifier } from "./auth/jwt";
import type { Config } from "./config";
import { createRequestContext, type RequestContext } from "./context";
import type { Database } from "./db/client";
import {
  currentStatementTally,
  withStatementTally,
  type StatementTally,
} from "./db/statement-count";
import { createErrorFormatter } from "./graphql-errors";
import { compiledExecution } from "./graphql/compiled-executor";
import {
  GRAPHQL_BODY_LIMIT_BYTES,
  graphqlPostHandler,
  isPlainGraphQLPost,
  sendRequestError,
} from "./graphql/http-handler";
import type { Logger } from "./logger";
import { queryLimitsRule } from "./query-limits";
import { buildGatewaySchema } from "./schema";
import type { Services } from "./services";
import { sql } from "drizzle-orm";

export interface ServerOptions {
  config: Config;
  db: Database;
  services: Services;
  verifier: TokenVerifier;
  logger: Logger;
  /** Extra REST routes (webhooks, the seed-003 ingress), mounted beside /graphql. */
  routes?: express.Router[];
  /** Routes answered straight from node:http, before Express and its middleware. */
  plainRoutes?: PlainHttpRoute[];
  /** Prefilled in Sandbox as the Authorization header, in development only. */
  sandboxToken?: string;
}

/** A route that serves its requests without Express (as graphql/http-handler.ts serves POST /graphql). */
export interface PlainHttpRoute {
  accepts(req: http.IncomingMessage): boolean;
  serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Reports the request's SQL statement count in `extensions.sqlStatements` (tests, benchmarks). */
function statementCountPlugin(): ApolloServerPlugin<RequestContext & { tally?: StatementTally }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === "single" && contextValue.tally) {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              sqlStatements: contextValue.tally.statements,
            };
          }
        },
      };
    },
  };
}

function landingPage(options: ServerOptions) {
  if (!options.config.introspection) return ApolloServerPluginLandingPageDisabled();
  const headers = options.sandboxToken
    ? { Authorization: `Bearer ${options.sandboxToken}` }
    : undefined;
  return ApolloServerPluginLandingPageLocalDefault({
    footer: false,
    embed: headers ? { initialState: { sharedHeaders: headers } } : true,
  });
}

/** Malformed JSON and other body errors answer as GraphQL errors, never an HTML stack page. */
const bodyErrorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const status = typeof error?.status === "number" ? error.status : 500;
  const message =
    error?.type === "entity.parse.failed"
      ? "Malformed JSON body"
      : status < 500
        ? String(error.message)
        : "Internal server error";
  sendRequestError(res, status, message);
};

const GRAPHQL_PATH = "/graphql";

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, services, verifier, logger } = options;
  const app = express();
  app.disable("x-powered-by");
  // Express would hash every response body, POSTs included, for an ETag no client revalidates.
  app.set("etag", false);
  // Its request handler is attached once Apollo has started (the drain plugin needs the server).
  const httpServer = http.createServer();
  // Idle keep-alive connections are closed after 65 s, not Node's 5 s: a client (or load
  // balancer) that reuses a connection just as the server closes it gets ECONNRESET for a request
  // the server never read. Clients drop idle connections sooner than the server's advertised
  // timeout, so the longer it is, the rarer that race; the opt-out replay met it at 5 s when a
  // busy event loop held the client's idle timer back. Headers must be allowed longer still.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const compiled = compiledExecution(await buildGatewaySchema());
  const apollo = new ApolloServer<RequestContext & { tally?: StatementTally }>({
    gateway: compiled.gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    validationRules: [queryLimitsRule],
    formatError: createErrorFormatter(logger),
    plugins: [
      compiled.plugin,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      // No field sets a cache hint, and the default plugin's per-field hook costs every query.
      ApolloServerPluginCacheControlDisabled(),
      landingPage(options),
      ...(config.exposeStatementCount ? [statementCountPlugin()] : []),
    ],
  });
  await apollo.start();

  // No CORS_ORIGINS means same-origin only: skip the middleware instead of running it to say no.
  const corsMiddleware =
    config.corsOrigins.length > 0
      ? cors({ origin: config.corsOrigins.includes("*") ? true : config.corsOrigins })
      : undefined;
  if (corsMiddleware) app.use(corsMiddleware);
  app.get("/healthz", async (_req, res) => {
    await options.db.execute(sql`select 1`);
    res.json({ status: "ok" });
  });
  const context = async (req: http.IncomingMessage) => {
    const { caller, failure } = await authenticate(verifier, req);
    return {
      ...createRequestContext(services, caller, failure),
      tally: config.exposeStatementCount ? currentStatementTally() : undefined,
    };
  };
  // AsyncLocalStorage costs every promise on Node 20, so the tally runs only when it is reported.
  const tallied = <T>(run: () => T): T =>
    config.exposeStatementCount ? withStatementTally({ statements: 0 }, run) : run();
  const answerPost = graphqlPostHandler({ apollo, context, logger });
  const withCors = (req: http.IncomingMessage, res: http.ServerResponse, serve: () => void) => {
    if (corsMiddleware) corsMiddleware(req as express.Request, res as express.Response, serve);
    else serve();
  };
  const plainRoutes = options.plainRoutes ?? [];
  httpServer.on("request", (req, res) => {
    if (isPlainGraphQLPost(req, GRAPHQL_PATH)) {
      return withCors(req, res, () => void tallied(() => answerPost(req, res)));
    }
    const route = plainRoutes.find((candidate) => candidate.accepts(req));
    if (route) withCors(req, res, () => void route.serve(req, res));
    else app(req, res);
  });
  // GET, preflight and other content types: Express's body parsing and Apollo's own integration.
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: GRAPHQL_BODY_LIMIT_BYTES }),
    (_req, _res, next) => tallied(next),
    expressMiddleware(apollo, { context: ({ req }) => context(req) }),
  );
  // After /graphql, so that GraphQL requests, the many, skip matching the REST routes' paths.
  for (const router of options.routes ?? []) app.use(router);
  app.get("/", (_req, res) => res.redirect(GRAPHQL_PATH));
  app.use(bodyErrorHandler);

  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    stop: () => apollo.stop(),
  };
}
