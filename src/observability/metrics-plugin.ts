import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context";
import type { StatementTally } from "../db/statement-count";
import type { Metrics } from "./metrics";

const NO_ERRORS: readonly string[] = [];

/**
 * Reports each GraphQL request to `metrics` on its answer. Requests refused before Apollo (the
 * anonymous gate, body limits, the credential throttle) are not seen here.
 */
export function metricsPlugin(
  metrics: Metrics,
): ApolloServerPlugin<RequestContext & { tally?: StatementTally }> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ response, operation, operationName, contextValue }) {
          const errors =
            response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          metrics.observeOperation({
            operationName: operationName ?? null,
            operationType: operation?.operation ?? null,
            status: response.http.status ?? 200,
            durationMs: performance.now() - startedAt,
            // Without the tally (it costs every promise, server.ts), the reads the request's
            // fields started, which the statement cap counts.
            sqlStatements: contextValue.tally?.statements ?? contextValue.startedReads,
            errorCodes: errors
              ? errors.map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"))
              : NO_ERRORS,
          });
        },
      };
    },
  };
}
