import type { TracingConfig } from "../config";
import type { StatementTracing } from "../db/client";
import { answerWithin } from "../lib/deadline";
import type { BatchTracing } from "../lib/group-commit";
import type { Logger } from "../logger";
import type { RequestTracing } from "./request-tracing";

/**
 * How long stop() waits for the last spans to be exported: a collector that does not answer (the
 * exporter retries, up to OTEL_BSP_EXPORT_TIMEOUT) must not hold up a shutdown.
 */
const SHUTDOWN_EXPORT_MS = 2_000;

/** What tracing adds to the app while it is on. */
export interface Tracing {
  /** For server.ts: a span per GraphQL request. */
  requests: RequestTracing;
  /** For db/client.ts: a span per SQL statement, and its sqlcommenter comment. */
  statements: StatementTracing;
  /** For the services' group commits: a span per batch, linked to the requests it serves. */
  batches: BatchTracing;
  /** Exports the spans still buffered and unregisters the SDK, so that another app may start it. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry's Node SDK with the OTLP/HTTP (JSON) trace exporter, or does nothing when
 * tracing is off (config.ts): the SDK and the API are imported only here, and only when on, so an
 * untraced process loads, wraps and registers nothing (no context manager: AsyncLocalStorage costs
 * every promise on Node 20).
 *
 * No auto-instrumentations: the spans are ours (the GraphQL operation, SQL statements, group
 * commits), and their parent is the caller's W3C traceparent. Metrics and logs stay off here
 * whatever OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER say (the SDK would default both to OTLP).
 */
export async function startTracing(
  config: TracingConfig | null,
  logger: Logger,
): Promise<Tracing | null> {
  if (!config) return null;
  const [api, { NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }, core] = await Promise.all(
    [
      import("@opentelemetry/api"),
      import("@opentelemetry/sdk-node"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/core"),
    ],
  );
  const [{ requestTracing }, { statementTracing }, { batchTracing }] = await Promise.all([
    import("./request-tracing"),
    import("./sql-tracing"),
    import("./batch-tracing"),
  ]);
  // An unreachable collector is reported in the app's log; the SDK's OTEL_LOG_LEVEL still overrides.
  api.diag.setLogger(
    {
      error: (message, ...args) =>
        logger.warn({ details: args.map(String) }, `tracing: ${message}`),
      warn: (message, ...args) => logger.warn({ details: args.map(String) }, `tracing: ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    api.DiagLogLevel.WARN,
  );
  const propagator = new core.W3CTraceContextPropagator();
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    textMapPropagator: propagator,
    spanProcessors: [new BatchSpanProcessor(exporter, config.batch)],
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracer = api.trace.getTracer("switchboard");
  logger.info({ url: config.tracesUrl, service: config.serviceName }, "tracing to OTLP/HTTP");
  return {
    requests: requestTracing(tracer, propagator),
    statements: statementTracing(tracer, propagator),
    batches: batchTracing(tracer),
    async shutdown() {
      const shutdown = sdk.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, "tracing: the SDK's shutdown failed");
      });
      if (
        !(await answerWithin(
          shutdown.then(() => true),
          SHUTDOWN_EXPORT_MS,
        ))
      ) {
        logger.warn(`tracing: spans not exported within ${SHUTDOWN_EXPORT_MS} ms were dropped`);
      }
      // NodeSDK.shutdown leaves its globals registered, and a second registration is refused.
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
      api.diag.disable();
    },
  };
}
