import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import { pathOf } from "../lib/request-url";

/** A span per GraphQL request, for server.ts to wire while tracing is on. */
export interface RequestTracing {
  /**
   * Runs `handle` (which answers the request) in a SERVER span that continues the caller's W3C
   * traceparent, so that the SQL statements it makes are the span's children; the span ends with
   * the response.
   */
  aroundRequest(req: IncomingMessage, res: ServerResponse, handle: () => void): void;
  /** Names the request's span after its operation, and marks it failed when the answer has errors. */
  plugin: ApolloServerPlugin<BaseContext>;
}

/** The GraphQL semantic conventions' name for an operation not (yet) known. */
const UNKNOWN_OPERATION = "GraphQL Operation";

const headerGetter: TextMapGetter<IncomingMessage["headers"]> = {
  get: (headers, key) => headers[key],
  keys: (headers) => Object.keys(headers),
};

export function requestTracing(tracer: Tracer, propagator: TextMapPropagator): RequestTracing {
  // The plugin touches only spans it can tell are a request's own, not whatever else is active.
  const operationSpans = new WeakSet<Span>();
  return {
    aroundRequest(req, res, handle) {
      if (req.method === "OPTIONS") return handle();
      const parent = propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
      const span = tracer.startSpan(
        UNKNOWN_OPERATION,
        {
          kind: SpanKind.SERVER,
          attributes: {
            "http.request.method": req.method,
            // The path alone: a GET's query string holds the variables.
            "url.path": pathOf(req.url),
          },
        },
        parent,
      );
      operationSpans.add(span);
      res.once("close", () => {
        span.setAttribute("http.response.status_code", res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      const active = trace.setSpan(parent, span);
      // Express goes on from the body's 'end' listener, which runs in the socket's context.
      context.bind(active, req);
      context.with(active, handle);
    },
    plugin: {
      async requestDidStart() {
        const span = trace.getActiveSpan();
        if (!span || !operationSpans.has(span)) return;
        return {
          async didResolveOperation({ operation, operationName }) {
            if (!operation) return;
            const type = operation.operation;
            const name = operationName ?? operation.name?.value;
            span.updateName(name ? `${type} ${name}` : type);
            span.setAttribute("graphql.operation.type", type);
            if (name) span.setAttribute("graphql.operation.name", name);
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== "single") return;
            const errors = response.body.singleResult.errors;
            if (!errors?.length) return;
            // The codes only: a message may quote a variable's value.
            const codes = [
              ...new Set(errors.map((error) => String(error.extensions?.code ?? "UNKNOWN"))),
            ];
            span.setAttribute("graphql.error.codes", codes);
            span.setAttribute("error.type", codes[0]);
            span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(", ") });
          },
        };
      },
    },
  };
}
