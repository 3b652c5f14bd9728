import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
  type SpanContext,
  type Tracer,
} from "@opentelemetry/api";
import type { BatchTracing } from "../lib/group-commit";

/**
 * A group commit's batch writes for many requests at once, so it belongs to none of their traces:
 * it is a trace of its own, linked to the span of each request it serves (OpenTelemetry's model
 * for batches), and its SQL statements are its children.
 */
export function batchTracing(tracer: Tracer): BatchTracing {
  return {
    capture: () => trace.getSpanContext(context.active()),
    async write(name, captured, write) {
      const links: Link[] = [];
      for (const spanContext of captured as (SpanContext | undefined)[]) {
        if (spanContext && isSpanContextValid(spanContext)) links.push({ context: spanContext });
      }
      const span = tracer.startSpan(
        name,
        {
          kind: SpanKind.INTERNAL,
          links,
          attributes: { "switchboard.batch.size": captured.length },
        },
        ROOT_CONTEXT,
      );
      try {
        const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), write);
        span.end();
        return result;
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: typeof code === "string" ? code : (error as Error)?.name,
        });
        span.end();
        throw error;
      }
    },
  };
}
