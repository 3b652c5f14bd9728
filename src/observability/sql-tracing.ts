import type { PGlite, Transaction } from "@electric-sql/pglite";
import {
  context,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import type pg from "pg";
import type { StatementTracing } from "../db/client";

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;
type Callback = (error: Error | null, result: unknown) => void;

/**
 * A CLIENT span per SQL statement, a child of the span that is active when it is sent (the
 * GraphQL request's, or a group commit's); statements sent outside any span (the workers' polls,
 * readiness probes, migrations) get none, as a poll every half second would be a trace each.
 * Attributes per OpenTelemetry's database conventions, the older names beside the newer: the
 * text with its `$1` placeholders, never the values.
 *
 * A sampled statement goes with a sqlcommenter comment, `/*traceparent='00-…'*\/` at its end, so
 * that Postgres's logs and pg_stat_activity name its span. A text that differs per run cannot be a
 * named prepared statement (pg refuses a name given another text, and a named statement's
 * executions show the text it was prepared with): a commented statement goes unnamed, parsed and
 * planned for each run, which is part of what tracing costs. An unsampled one keeps its name.
 */
export function statementTracing(tracer: Tracer, propagator: TextMapPropagator): StatementTracing {
  const traceparentComment = (span: Span): string => {
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    const pairs = Object.keys(carrier)
      .sort()
      .map((key) => `${key}='${sqlcommenterEncode(carrier[key])}'`);
    return `/*${pairs.join(",")}*/`;
  };

  /** The statement's span, or null outside any span. */
  const startSpan = (text: string, connection: Attributes): Span | null => {
    const parent = context.active();
    if (!trace.getSpan(parent)) return null;
    const operation = /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase();
    return tracer.startSpan(
      operation ?? "postgresql",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system": "postgresql",
          "db.system.name": "postgresql",
          "db.statement": text,
          "db.query.text": text,
          ...(operation ? { "db.operation.name": operation } : {}),
          ...connection,
        },
      },
      parent,
    );
  };

  /** The text to send: with the comment when the span is sampled; null when sent as it is. */
  const commented = (text: string, span: Span): string | null => {
    if (!span.isRecording()) return null;
    // A trailing `--` comment would swallow one on the same line.
    return `${text}${text.includes("--") ? "\n" : " "}${traceparentComment(span)}`;
  };

  const inSpan = async <T>(
    text: string,
    connection: Attributes,
    send: (text: string) => Promise<T>,
  ): Promise<T> => {
    const span = startSpan(text, connection);
    if (!span) return send(text);
    try {
      const result = await send(commented(text, span) ?? text);
      span.end();
      return result;
    } catch (error) {
      endFailed(span, error);
      throw error;
    }
  };

  return {
    tracePool(pool: pg.Pool) {
      pool.on("connect", (client) => {
        const connection = connectionAttributes(client);
        const query = client.query.bind(client) as Query;
        (client as unknown as { query: Query }).query = (config, values, callback) => {
          const text =
            typeof config === "string" ? config : isQueryConfig(config) ? config.text : null;
          // Submittables (cursors, streams) carry their own text and callbacks: sent as they are.
          const span = text === null ? null : startSpan(text, connection);
          if (!span) return query(config, values, callback);
          const sent = commented(text!, span);
          // Unnamed when commented: see above.
          const sentConfig =
            sent === null
              ? config
              : {
                  ...(typeof config === "string" ? {} : (config as object)),
                  text: sent,
                  name: undefined,
                };
          const done = typeof values === "function" ? values : callback;
          if (typeof done === "function") {
            const args = typeof values === "function" ? [] : [values];
            return query(sentConfig, ...args, (error: Error | null, result: unknown) => {
              if (error) endFailed(span, error);
              else span.end();
              (done as Callback)(error, result);
            });
          }
          const result = query(sentConfig, values);
          // A callback in the config itself (no promise): the span covers the sending only.
          if (typeof (result as Promise<unknown> | undefined)?.then !== "function") {
            span.end();
            return result;
          }
          return (result as Promise<unknown>).then(
            (answer) => {
              span.end();
              return answer;
            },
            (error: unknown) => {
              endFailed(span, error);
              throw error;
            },
          );
        };
      });
    },

    tracePglite(pglite: PGlite) {
      const traceOn = (target: Pick<Transaction, "query" | "exec">) => {
        const query = target.query.bind(target);
        const exec = target.exec.bind(target);
        target.query = ((text: string, params?: unknown[], options?: object) =>
          inSpan(text, {}, (sent) => query(sent, params, options))) as typeof target.query;
        target.exec = ((text: string, options?: object) =>
          inSpan(text, {}, (sent) => exec(sent, options))) as typeof target.exec;
      };
      traceOn(pglite);
      // A transaction's statements go through the object it hands its callback.
      const transaction = pglite.transaction.bind(pglite);
      pglite.transaction = ((callback: (tx: Transaction) => Promise<unknown>) =>
        transaction((tx) => {
          traceOn(tx);
          return callback(tx);
        })) as typeof pglite.transaction;
    },
  };
}

function isQueryConfig(config: unknown): config is { text: string } {
  return (
    typeof config === "object" &&
    config !== null &&
    typeof (config as { text?: unknown }).text === "string" &&
    typeof (config as { submit?: unknown }).submit !== "function"
  );
}

/** The SQLSTATE alone: a driver's message may quote a value (`invalid input syntax: "…"`). */
function endFailed(span: Span, error: unknown): void {
  const code = (error as { code?: unknown })?.code;
  const type = typeof code === "string" ? code : ((error as Error)?.name ?? "Error");
  span.setAttribute("error.type", type);
  if (typeof code === "string") span.setAttribute("db.response.status_code", code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.end();
}

function connectionAttributes(client: pg.PoolClient): Attributes {
  const { host, port, database } = client as unknown as {
    host?: string;
    port?: number;
    database?: string;
  };
  return {
    ...(database ? { "db.name": database, "db.namespace": database } : {}),
    ...(host ? { "server.address": host } : {}),
    ...(port ? { "server.port": port } : {}),
  };
}

/** sqlcommenter's value encoding: URL encoding, with !'()* escaped too so no value ends the comment. */
function sqlcommenterEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
