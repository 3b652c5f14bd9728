import type { IncomingMessage, ServerResponse } from "node:http";
import { sendRequestError } from "../graphql/http-handler";
import { requestLogger } from "../lib/request-scope";
import type { Logger } from "../logger";
import type { Metrics } from "./metrics";

const METRICS_PATH = /^\/metrics(?:\?|$)/;

/**
 * GET (or HEAD) /metrics: the Prometheus text exposition of the app's and the process's metrics.
 * A server.ts PlainHttpRoute by its shape, as the Twilio webhooks' route is, so that this module
 * does not import the server that mounts it.
 */
export function metricsRoute(metrics: Metrics, logger: Logger) {
  return {
    accepts: (req: IncomingMessage) =>
      (req.method === "GET" || req.method === "HEAD") && METRICS_PATH.test(req.url ?? ""),
    async serve(req: IncomingMessage, res: ServerResponse) {
      let text: string;
      try {
        text = await metrics.registry.metrics();
      } catch (error) {
        requestLogger(logger).error(
          { err: error, code: "INTERNAL_SERVER_ERROR" },
          "metrics failed",
        );
        sendRequestError(res, 500, "The metrics could not be collected");
        return;
      }
      res.writeHead(200, {
        "content-type": metrics.registry.contentType,
        "content-length": Buffer.byteLength(text),
        "cache-control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : text);
    },
  };
}
