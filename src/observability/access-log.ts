import type { IncomingMessage, ServerResponse } from "node:http";
import type { BaseContext } from "@apollo/server";
import pino from "pino";
import { currentRequest, type OperationType, type RequestScope } from "../lib/request-scope";
import { pathOf } from "../lib/request-url";
import type { Logger } from "../logger";
import { DONE, type RequestHooks } from "../graphql/plugin-hooks";
import { costOf } from "../query-limits";

/** One GraphQL request once answered: what the access log writes and the metrics count. */
export interface OperationRecord {
  operationName: string | null;
  operationType: OperationType | null;
  /** The HTTP status answered. */
  status: number;
  durationMs: number;
  sqlStatements: number;
  /** extensions.code of each error in the answer, in order (empty when none). */
  errorCodes: readonly string[];
}

/** Probes and scrapes, every few seconds from the orchestrator: logged at debug, not info. */
const ROUTINE_PATHS = new Set(["/livez", "/readyz", "/healthz", "/metrics"]);

/**
 * One line in pino's format (`level`, `time`, the fields, `msg`) written straight to the logger's
 * stream: one JSON.stringify of fields that need no serializer, where pino's generic formatting
 * of the same line took ≈ 30 µs of a request's CPU under load (bench:messaging inbox profile).
 */
function writeLine(logger: Logger, level: "debug" | "info", fields: Record<string, unknown>): void {
  const line = { level: logger.levels.values[level], time: Date.now(), ...fields, msg: "request" };
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[
    pino.symbols.streamSym
  ];
  stream.write(`${JSON.stringify(line)}\n`);
}

/**
 * Writes one access-log line per request when its response closes (answered, or the client gone
 * first: `aborted`), and tells `onOperation` of each GraphQL request.
 */
export function accessLog(
  logger: Logger,
  graphqlPath: string,
  onOperation?: (record: OperationRecord) => void,
) {
  return (req: IncomingMessage, res: ServerResponse, scope: RequestScope): void => {
    res.once("close", () => {
      scope.releaseAnswer();
      const path = pathOf(req.url);
      const record: OperationRecord = {
        operationName: scope.operationName,
        operationType: scope.operationType,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - scope.startedAt) * 100) / 100,
        sqlStatements: scope.sqlStatements,
        errorCodes: scope.errorCodes,
      };
      const level = ROUTINE_PATHS.has(path) ? "debug" : "info";
      if (logger.isLevelEnabled(level)) {
        writeLine(logger, level, {
          requestId: scope.id,
          method: req.method,
          path,
          ...record,
          cost: scope.cost,
          ...(res.writableFinished ? {} : { aborted: true }),
        });
      }
      if (onOperation && path === graphqlPath) onOperation(record);
    });
  };
}

/**
 * Puts what Apollo knows of the request on its scope: the operation (and its cost, measured when
 * the document was validated) once resolved, and the answer's error codes. With
 * `reportStatements`, answers the request's SQL statement count in `extensions.sqlStatements`
 * (tests, benchmarks).
 */
export function operationScopeHooks(options: {
  reportStatements: boolean;
}): RequestHooks<BaseContext> {
  return {
    didResolveOperation({ operation, operationName }) {
      const scope = currentRequest();
      if (!scope || !operation) return DONE;
      scope.operationName = operationName;
      scope.operationType = operation.operation;
      scope.cost = costOf(operation) ?? null;
      return DONE;
    },
    willSendResponse({ request, response }) {
      const scope = currentRequest();
      if (!scope) return DONE;
      // A request refused before its operation resolved still says which one it asked for.
      scope.operationName ??= request.operationName ?? null;
      if (response.body.kind !== "single") return DONE;
      const result = response.body.singleResult;
      if (result.errors) {
        scope.errorCodes = result.errors.map((error) =>
          typeof error.extensions?.code === "string" ? error.extensions.code : "UNKNOWN",
        );
      }
      if (options.reportStatements) {
        result.extensions = { ...result.extensions, sqlStatements: scope.sqlStatements };
      }
      return DONE;
    },
  };
}
