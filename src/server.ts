import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import { authenticate } from "./auth/bearer";
import type { CredentialThrottle } from "./auth/credential-throttle";
import type { TokenVerifier } from "./auth/jwt";
import type { Config } from "./config";
import { createRequestContext, type RequestContext } from "./context";
import type { Database } from "./db/client";
import { databaseAnswers } from "./db/readiness";
import { createErrorFormatter, traceableError } from "./graphql-errors";
import { isDatabaseUnavailable, ServiceUnavailableError } from "./lib/errors";
import { compiledExecution } from "./graphql/compiled-executor";
import { DONE, requestHooksPlugin, type RequestHooks } from "./graphql/plugin-hooks";
import { releaseAfterExecution } from "./graphql/release-after-execution";
import { hostileStringsHooks } from "./graphql/hostile-strings";
import {
  GRAPHQL_BODY_LIMIT_BYTES,
  graphqlPostHandler,
  type Admission,
  isPlainGraphQLPost,
  sendRefusal,
  sendRequestError,
} from "./graphql/http-handler";
import { answerWithin } from "./lib/deadline";
import { InFlightResponses, sendServiceUnavailable } from "./lib/in-flight";
import { pathOf } from "./lib/request-url";
import type { Logger } from "./logger";
import type { RequestTracing } from "./observability/request-tracing";
import { anonymousGate, refusalOfCodedError } from "./graphql/anonymous-gate";
import { capStatements } from "./graphql/statement-cap";
import { queryLimitsHooks, queryLimitsRule } from "./query-limits";
import { gatewaySchemaFactory } from "./schema";
import { RequestScope, requestIdOf, requestLogger, runInRequestScope } from "./lib/request-scope";
import { accessLog, operationScopeHooks, type OperationRecord } from "./observability/access-log";
import type { Services } from "./services";

export interface ServerOptions {
  config: Config;
  db: Database;
  services: Services;
  verifier: TokenVerifier;
  /** Refused bearer tokens per source address; over the limit, GraphQL answers 429. */
  throttle: CredentialThrottle;
  logger: Logger;
  /** Extra REST routes (webhooks, the seed-003 ingress), mounted beside /graphql. */
  routes?: express.Router[];
  /** Routes answered straight from node:http, before Express and its middleware. */
  plainRoutes?: PlainHttpRoute[];
  /** Prefilled in Sandbox as the Authorization header, in development only. */
  sandboxToken?: string;
  /** More Apollo Server plugins, after the app's own. */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** Told of every GraphQL request once it is answered (metrics). */
  onOperation?: (record: OperationRecord) => void;
  /** A span per GraphQL request, while tracing is on (observability/tracing.ts). */
  tracing?: RequestTracing;
}

/** A route that serves its requests without Express (as graphql/http-handler.ts serves POST /graphql). */
export interface PlainHttpRoute {
  accepts(req: http.IncomingMessage): boolean;
  serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Drains: stops accepting connections, answers requests arriving on kept-alive ones 503 with
   * `connection: close`, waits up to `graceMs` for those in flight and answers the rest 503.
   * Resolves once every request has its answer; stop() then stops Apollo.
   */
  drain(graceMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Marks a GraphQL response whose errors include SERVICE_UNAVAILABLE (the database unreachable or
 * too slow, graphql-errors.ts) as HTTP 503: Apollo takes the status from the error's
 * `extensions.http` before formatError maps a driver error to that code, so it is set here.
 */
function serviceUnavailableStatus(): RequestHooks<RequestContext> {
  return {
    willSendResponse({ response }) {
      if (response.body.kind !== "single") return DONE;
      const errors = response.body.singleResult.errors ?? [];
      if (errors.some((error) => error.extensions?.code === "SERVICE_UNAVAILABLE")) {
        response.http.status = 503;
        response.http.headers.set("retry-after", "1");
      }
      return DONE;
    },
  };
}

/**
 * Federated inline tracing, for the requests a gateway samples (it sends
 * `apollo-federation-include-trace: ftv1` with those only). Apollo's plugin builds a trace tree of
 * protobuf objects at the start of every request before it reads that header; asked only when the
 * header is there, the other requests skip it.
 */
function inlineTraceWhenAsked(): ApolloServerPlugin<RequestContext> {
  const plugin = ApolloServerPluginInlineTrace({ includeErrors: { transform: traceableError } });
  return {
    ...plugin,
    requestDidStart: (requestContext) =>
      requestContext.request.http?.headers.get("apollo-federation-include-trace") === "ftv1"
        ? plugin.requestDidStart!(requestContext)
        : DONE,
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
function bodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = typeof error?.status === "number" ? error.status : 500;
    // Ours, not the caller's: logged with the request's id, as formatError logs a resolver's.
    if (status >= 500) {
      requestLogger(logger).error(
        { err: error, code: "INTERNAL_SERVER_ERROR" },
        "request failed in Express",
      );
    }
    // Answered 503 already (the request deadline); what the handler wrote after it is dropped.
    if (res.headersSent) return;
    const message =
      error?.type === "entity.parse.failed"
        ? "Malformed JSON body"
        : status < 500
          ? String(error.message)
          : "Internal server error";
    sendRequestError(res, status, message);
  };
}

/** Unknown paths answer JSON, as every other error does (API.md), not Express's HTML page. */
const notFoundHandler: express.RequestHandler = (req, res) => {
  res.status(404).json({
    errors: [
      { message: `No route for ${req.method} ${req.path}`, extensions: { code: "NOT_FOUND" } },
    ],
  });
};

/**
 * GET /livez (the process answers) and GET /readyz (Postgres answers `select 1` within
 * deadlines.readinessMs; /healthz is its old name), served before anything else, drains included:
 * a draining instance is alive, and ready for as long as its database is.
 */
function serveProbe(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  db: Database,
  readinessMs: number,
): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = pathOf(req.url);
  if (path === "/livez") {
    sendJson(res, 200, { status: "ok" });
    return true;
  }
  if (path !== "/readyz" && path !== "/healthz") return false;
  void databaseAnswers(db, readinessMs).then((ready) =>
    ready
      ? sendJson(res, 200, { status: "ok" })
      : sendJson(res, 503, {
          status: "unavailable",
          errors: [
            {
              message: `The database did not answer within ${readinessMs} ms`,
              extensions: { code: "SERVICE_UNAVAILABLE" },
            },
          ],
        }),
  );
  return true;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

const GRAPHQL_PATH = "/graphql";

const isGraphQLPath = (url: string | undefined) => pathOf(url).replace(/\/$/, "") === GRAPHQL_PATH;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, services, verifier, throttle, logger } = options;
  const app = express();
  app.disable("x-powered-by");
  // Express would hash every response body, POSTs included, for an ETag no client revalidates.
  app.set("etag", false);
  // Its request handler is attached once Apollo has started. Draining it at shutdown is drain()'s
  // (Apollo's drain plugin would cut requests still running at its grace instead of answering).
  const httpServer = http.createServer();
  // Idle keep-alive connections are closed after 65 s, not Node's 5 s: a client (or load
  // balancer) that reuses a connection just as the server closes it gets ECONNRESET for a request
  // the server never read. Clients drop idle connections sooner than the server's advertised
  // timeout, so the longer it is, the rarer that race; the opt-out replay met it at 5 s when a
  // busy event loop held the client's idle timer back. Headers must be allowed longer still.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const buildSchema = await gatewaySchemaFactory();
  const [servedSchema, compiledSchema] = [buildSchema(), buildSchema()];
  for (const schema of [servedSchema, compiledSchema]) {
    capStatements(schema, config.limits.maxSqlStatements);
  }
  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(servedSchema, compiledSchema),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Field suggestions ("Did you mean …") would tell what introspection is off to hide.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: [queryLimitsRule(config.limits)],
    // Validation stops at its first error (query-limits.ts relies on it to stop at once).
    validationOptions: { maxErrors: 1 },
    formatError: createErrorFormatter(logger),
    plugins: [
      requestHooksPlugin<RequestContext>([
        queryLimitsHooks(),
        hostileStringsHooks(),
        operationScopeHooks({ reportStatements: config.exposeStatementCount }),
        releaseAfterExecution(),
        serviceUnavailableStatus(),
      ]),
      inlineTraceWhenAsked(),
      // No field sets a cache hint, and the default plugin's per-field hook costs every query.
      ApolloServerPluginCacheControlDisabled(),
      landingPage(options),
      ...(options.tracing ? [options.tracing.plugin] : []),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  // No CORS_ORIGINS means same-origin only: skip the middleware instead of running it to say no.
  const corsMiddleware =
    config.corsOrigins.length > 0
      ? cors({ origin: config.corsOrigins.includes("*") ? true : config.corsOrigins })
      : undefined;
  if (corsMiddleware) app.use(corsMiddleware);
  const context = async (req: http.IncomingMessage) => {
    const { caller, failure } = await authenticate(verifier, throttle, req);
    return createRequestContext(services, caller, failure);
  };
  const gate = anonymousGate(config);
  const admitted = new WeakMap<http.IncomingMessage, Awaited<ReturnType<typeof context>>>();
  const admission: Admission<RequestContext> = {
    bodyLimit: ({ caller }) => (caller ? GRAPHQL_BODY_LIMIT_BYTES : gate.maxBodyBytes),
    refuseOversized: ({ authFailure }) => gate.oversized(authFailure),
    refuse: (body, { caller, authFailure }) =>
      caller || typeof body !== "object" || body === null || Array.isArray(body)
        ? null
        : gate.refuse((body as { query?: unknown }).query, authFailure),
  };
  const answerPost = graphqlPostHandler({ apollo, context, admission, logger });
  const withCors = (req: http.IncomingMessage, res: http.ServerResponse, serve: () => void) => {
    if (corsMiddleware) corsMiddleware(req as express.Request, res as express.Response, serve);
    else serve();
  };
  const servePost = (req: http.IncomingMessage, res: http.ServerResponse) =>
    withCors(req, res, () => void answerPost(req, res));
  const { tracing } = options;
  const plainRoutes = options.plainRoutes ?? [];
  const inFlight = new InFlightResponses(config.deadlines.requestMs);
  let draining = false;
  const follow = accessLog(logger, GRAPHQL_PATH, options.onOperation);
  httpServer.on("request", (req, res) => {
    const scope = new RequestScope(requestIdOf(req), logger);
    res.setHeader("x-request-id", scope.id);
    follow(req, res, scope);
    runInRequestScope(scope, () => serve(req, res));
  });
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (serveProbe(req, res, options.db, config.deadlines.readinessMs)) return;
    if (draining) {
      sendServiceUnavailable(res, "The server is shutting down; retry", { close: true });
      return;
    }
    inFlight.track(res);
    if (isPlainGraphQLPost(req, GRAPHQL_PATH)) {
      return tracing
        ? tracing.aroundRequest(req, res, () => servePost(req, res))
        : servePost(req, res);
    }
    const route = plainRoutes.find((candidate) => candidate.accepts(req));
    if (route) withCors(req, res, () => void route.serve(req, res));
    else if (tracing && isGraphQLPath(req.url))
      tracing.aroundRequest(req, res, () => app(req, res));
    else app(req, res);
  };
  // GET, preflight and other content types: Express's body parsing and Apollo's own integration.
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: GRAPHQL_BODY_LIMIT_BYTES }),
    (req, res, next) => {
      context(req).then(
        (contextValue) => {
          const query = req.method === "GET" ? req.query : req.body;
          const refusal = admission.refuse(query, contextValue);
          if (refusal) return sendRefusal(res, refusal);
          admitted.set(req, contextValue);
          next();
        },
        (error: unknown) => {
          const refusal = refusalOfCodedError(
            isDatabaseUnavailable(error) ? new ServiceUnavailableError() : error,
          );
          if (refusal) sendRefusal(res, refusal);
          else next(error);
        },
      );
    },
    expressMiddleware(apollo, { context: async ({ req }) => admitted.get(req) ?? context(req) }),
  );
  // After /graphql, so that GraphQL requests, the many, skip matching the REST routes' paths.
  for (const router of options.routes ?? []) app.use(router);
  app.get("/", (_req, res) => res.redirect(GRAPHQL_PATH));
  app.use(notFoundHandler);
  app.use(bodyErrorHandler(logger));

  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    port,
    async drain(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await inFlight.settled(graceMs);
      inFlight.answerAll("The server is shutting down; retry");
      // Every request has its answer: what is still open is a client slow to close its end.
      await answerWithin(closed, 200);
      httpServer.closeAllConnections();
    },
    stop: () => apollo.stop(),
  };
}
