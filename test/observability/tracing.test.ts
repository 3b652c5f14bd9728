import { randomBytes } from "node:crypto";
import { context, ROOT_CONTEXT, trace, createContextKey } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows } from "../../src/db/client";
import { DEPARTMENT, RECORD, smsEvent } from "../consent/helpers";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from "./otlp-collector";

const onPostgres = process.env.TEST_DB === "postgres";

const PREFERENCE = `query PreferenceOf($contact: String!) {
  contactPreferenceFor(contact: $contact) { doNotText doNotCall }
}`;

/** A caller's W3C trace context: its trace, and its span that ours must continue. */
function callerTrace() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function post(
  server: TestServer,
  token: string,
  traceparent: string,
  query: string,
  variables: Record<string, unknown>,
) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, traceparent },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

/** Whether `span` is below `ancestor` in the collected spans. */
function descendsFrom(spans: CollectedSpan[], span: CollectedSpan, ancestor: CollectedSpan) {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) {
    if (at.spanId === ancestor.spanId) return true;
  }
  return false;
}

const isSql = (span: CollectedSpan) => span.attributes["db.system"] === "postgresql";

/** The statement Postgres reports its backend is running: this one, as it received it. */
const OWN_STATEMENT = sql`select query from pg_stat_activity where pid = pg_backend_pid() and ${1}::int = 1`;

describe("tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  let collector: OtlpCollector;
  let server: TestServer;
  let org: TestOrganization;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    server = await startTestServer({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_SCHEDULE_DELAY: "50",
        OTEL_SERVICE_NAME: "switchboard-under-test",
      },
    });
    org = await server.createOrganization();
  });
  afterAll(async () => {
    await server?.stop();
    await collector?.close();
  });

  it("continues the caller's traceparent: the operation's span, and its SQL statements beneath it", async () => {
    const caller = callerTrace();
    const contact = "+14155550187";
    const answer = await post(server, org.tokens.agent, caller.traceparent, PREFERENCE, {
      contact,
    });
    expect(answer.errors).toBeUndefined();
    const spans = await collector.waitFor((all) =>
      all.some((span) => span.traceId === caller.traceId && isSql(span)),
    );
    const traced = spans.filter((span) => span.traceId === caller.traceId);
    const operation = traced.find((span) => span.parentSpanId === caller.spanId)!;
    expect(operation).toMatchObject({
      name: "query PreferenceOf",
      kind: 2,
      attributes: {
        "graphql.operation.name": "PreferenceOf",
        "graphql.operation.type": "query",
        "http.request.method": "POST",
        "url.path": "/graphql",
        "http.response.status_code": 200,
      },
      resource: { "service.name": "switchboard-under-test" },
    });
    expect(operation.status.code ?? 0).toBe(0);
    const statements = traced.filter(isSql);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(descendsFrom(spans, statement, operation)).toBe(true);
      expect(statement.kind).toBe(3);
      expect(statement.attributes).toMatchObject({ "db.system.name": "postgresql" });
      expect(statement.attributes["db.query.text"]).toBe(statement.attributes["db.statement"]);
      expect(String(statement.attributes["db.statement"])).not.toContain("4155550187");
      expect(String(statement.attributes["db.statement"])).not.toContain("traceparent");
    }
    expect(statements.some((span) => /\$1\b/.test(String(span.attributes["db.statement"])))).toBe(
      true,
    );
  });

  it("marks an answer with errors as failed, with its codes and none of its values", async () => {
    const caller = callerTrace();
    const answer = await post(server, org.tokens.service, caller.traceparent, RECORD, {
      departmentId: "not-a-uuid",
      input: smsEvent("+14155550188", "STOP_MESSAGE_RECEIVED", false),
    });
    expect(answer.errors?.length).toBeGreaterThan(0);
    const spans = await collector.waitFor((all) =>
      all.some((span) => span.traceId === caller.traceId && span.parentSpanId === caller.spanId),
    );
    const operation = spans.find((span) => span.parentSpanId === caller.spanId)!;
    expect(operation.status).toMatchObject({ code: 2, message: "BAD_USER_INPUT" });
    expect(operation.attributes["graphql.error.codes"]).toEqual(["BAD_USER_INPUT"]);
    expect(JSON.stringify(operation)).not.toContain("4155550188");
  });

  it("GET /graphql (Express's path) has the same span, its statements beneath it", async () => {
    const caller = callerTrace();
    const url = new URL(server.url);
    url.searchParams.set("query", PREFERENCE);
    url.searchParams.set("variables", JSON.stringify({ contact: "+14155550189" }));
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${org.tokens.agent}`,
        traceparent: caller.traceparent,
        "apollo-require-preflight": "true",
      },
    });
    expect(response.status).toBe(200);
    const spans = await collector.waitFor((all) =>
      all.some((span) => span.traceId === caller.traceId && isSql(span)),
    );
    const operation = spans.find((span) => span.parentSpanId === caller.spanId)!;
    expect(operation).toMatchObject({
      name: "query PreferenceOf",
      attributes: { "http.request.method": "GET", "url.path": "/graphql" },
    });
    const statements = spans.filter((span) => span.traceId === caller.traceId && isSql(span));
    for (const statement of statements)
      expect(descendsFrom(spans, statement, operation)).toBe(true);
  });

  it("gives a group commit's batch a span of its own, linked to each request it serves", async () => {
    const callers = Array.from({ length: 4 }, callerTrace);
    const answers = await Promise.all(
      callers.map((caller, index) =>
        post(server, org.tokens.service, caller.traceparent, RECORD, {
          departmentId: DEPARTMENT,
          input: smsEvent(`+1415555020${index}`, "STOP_MESSAGE_RECEIVED", false),
        }),
      ),
    );
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const operationOf = (spans: CollectedSpan[], caller: { spanId: string }) =>
      spans.find((span) => span.parentSpanId === caller.spanId);
    const batchesOf = (spans: CollectedSpan[], caller: { spanId: string }) => {
      const operation = operationOf(spans, caller);
      return spans.filter(
        (span) =>
          span.name === "group commit consent changes" &&
          span.links.some((link) => link.spanId === operation?.spanId),
      );
    };
    const spans = await collector.waitFor((all) =>
      callers.every((caller) => batchesOf(all, caller).length > 0),
    );
    for (const caller of callers) {
      const operation = operationOf(spans, caller)!;
      expect(operation.name).toBe("mutation");
      const [batch] = batchesOf(spans, caller);
      expect(batch.parentSpanId).toBe("");
      expect(batch.links).toContainEqual({ traceId: caller.traceId, spanId: operation.spanId });
      expect(batch.attributes["switchboard.batch.size"]).toBe(batch.links.length);
      const statements = spans.filter((span) => isSql(span) && span.parentSpanId === batch.spanId);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(String(statement.attributes["db.statement"])).not.toMatch(/4155550/);
      }
    }
  });

  it("traces the statements of a transaction too, beneath the span that is active", async () => {
    const tracer = trace.getTracer("test");
    const { db } = server.app.database;
    const probe = await tracer.startActiveSpan("probe", async (span) => {
      await db.transaction((tx) => selectRows(tx, sql`select ${7}::int as seven`));
      span.end();
      return span.spanContext();
    });
    const spans = await collector.waitFor((all) =>
      all.some((span) => span.parentSpanId === probe.spanId && isSql(span)),
    );
    const statements = spans.filter((span) => span.parentSpanId === probe.spanId);
    expect(statements.map((span) => span.attributes["db.statement"])).toContain(
      "select $1::int as seven",
    );
    // pg sends a transaction's control statements as statements; PGlite runs them inside.
    if (onPostgres)
      expect(statements.map((span) => span.name)).toEqual(["BEGIN", "SELECT", "COMMIT"]);
  });

  it("marks a failed statement's span failed with its SQLSTATE, not the driver's message", async () => {
    const tracer = trace.getTracer("test");
    const { db } = server.app.database;
    const probe = await tracer.startActiveSpan("probe", async (span) => {
      await expect(selectRows(db, sql`select ${"not-a-uuid-4155550999"}::uuid`)).rejects.toThrow();
      span.end();
      return span.spanContext();
    });
    const [failed] = await collector
      .waitFor((all) => all.some((span) => span.parentSpanId === probe.spanId))
      .then((all) => all.filter((span) => span.parentSpanId === probe.spanId));
    expect(failed).toMatchObject({
      status: { code: 2, message: "22P02" },
      attributes: { "error.type": "22P02", "db.response.status_code": "22P02" },
    });
    expect(JSON.stringify(failed)).not.toContain("4155550999");
  });

  it.skipIf(!onPostgres)(
    "sends each sampled statement with its span's traceparent as a sqlcommenter comment (Postgres; PGlite has no pg_stat_activity to show it)",
    async () => {
      const tracer = trace.getTracer("test");
      const { db } = server.app.database;
      // The same text thrice, under three spans (the last inside a transaction): untraced, it
      // would be one named prepared statement.
      const seen: { traceId: string; text: string }[] = [];
      for (const inTransaction of [false, false, true]) {
        await tracer.startActiveSpan("probe", async (probe) => {
          const [row] = inTransaction
            ? await db.transaction((tx) => selectRows<{ query: string }>(tx, OWN_STATEMENT))
            : await selectRows<{ query: string }>(db, OWN_STATEMENT);
          seen.push({ traceId: probe.spanContext().traceId, text: row.query });
          probe.end();
        });
      }
      const statementIn = (spans: CollectedSpan[], traceId: string) =>
        spans.find((span) => span.traceId === traceId && span.name === "SELECT");
      const spans = await collector.waitFor((all) =>
        seen.every(({ traceId }) => statementIn(all, traceId)),
      );
      for (const { traceId, text } of seen) {
        const statement = statementIn(spans, traceId)!;
        expect(text).toBe(
          `${statement.attributes["db.statement"]} /*traceparent='00-${traceId}-${statement.spanId}-01'*/`,
        );
      }
      // Outside any span: no span, no comment.
      const [untraced] = await selectRows<{ query: string }>(db, OWN_STATEMENT);
      expect(untraced.query).not.toContain("traceparent");
    },
  );
});

describe("tracing off (no OTEL_* variables)", () => {
  let collector: OtlpCollector;
  let server: TestServer;
  let org: TestOrganization;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    server = await startTestServer({ env: { OTEL_SERVICE_NAME: "set-but-no-endpoint" } });
    org = await server.createOrganization();
  });
  afterAll(async () => {
    await server?.stop();
    await collector?.close();
  });

  it("registers nothing, wraps no driver method and sends nothing", async () => {
    expect(server.app.config.tracing).toBeNull();
    const caller = callerTrace();
    const answer = await post(server, org.tokens.service, caller.traceparent, RECORD, {
      departmentId: DEPARTMENT,
      input: smsEvent("+14155550301", "STOP_MESSAGE_RECEIVED", false),
    });
    expect(answer.errors).toBeUndefined();
    // No context manager: a context given to `with` is not the active one inside it.
    const key = createContextKey("probe");
    expect(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key))).toBe(
      undefined,
    );
    const { pglite, db } = server.app.database;
    if (pglite) {
      for (const method of ["query", "exec", "transaction"]) {
        expect(Object.hasOwn(pglite, method)).toBe(false);
      }
    } else {
      const [row] = await selectRows<{ query: string }>(db, OWN_STATEMENT);
      expect(row.query).not.toContain("traceparent");
    }
    await server.stop();
    server = undefined as unknown as TestServer;
    expect(collector.exports).toBe(0);
  });
});
