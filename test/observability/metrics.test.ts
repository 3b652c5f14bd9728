import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS, MAX_OPERATION_NAMES, Metrics } from "../../src/observability/metrics";
import { OTHER } from "../../src/observability/bounded-labels";
import { DEPARTMENT, RECORD, smsEvent } from "../consent/helpers";
import { parseExposition, scrapeMetrics, type Scrape } from "../helpers/prometheus";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type GraphQLResponse,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";

let server: TestServer;
let org: TestOrganization;
/** extensions.sqlStatements of every GraphQL request this file made, by operation type. */
const statementsByType: Record<string, number> = {};

/** As server.gql, keeping the count of SQL statements each answer reports. */
async function gql<Data = Record<string, unknown>>(
  type: "query" | "mutation" | "unknown",
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<Data>> {
  const response = await server.gql<Data>(token, query, variables);
  statementsByType[type] =
    (statementsByType[type] ?? 0) + (response.extensions?.sqlStatements ?? 0);
  return response;
}

const PREFERENCE = `query PreferenceOfOne($c: String!) { contactPreferenceFor(contact: $c) { doNotText } }`;
const SEND = `mutation SendReminder($input: SendTextInput!) { sendText(input: $input) { id status } }`;
const RECORD_NAMED = RECORD.replace("mutation (", "mutation RecordOptOut(");

/** Whether the scrape has `name`: a family, a sample, or a series of a histogram not yet observed. */
function exports(scrape: Scrape, name: string): boolean {
  if (scrape.types.has(name) || scrape.samples.some((sample) => sample.name === name)) return true;
  const histogram = /^(.*)_(?:bucket|sum|count)$/.exec(name);
  return histogram !== null && scrape.types.get(histogram[1]) === "histogram";
}

beforeAll(async () => {
  // No workers: what is accepted stays in the outboxes, to be counted.
  server = await startTestServer({ env: { RUN_WORKERS: "false" } });
  org = await server.createOrganization();
});
afterAll(() => server.stop());

describe("GET /metrics", () => {
  it("counts each operation's latency by name and type, its SQL statements and its errors by code", async () => {
    for (const contact of ["+14155550101", "+14155550102"]) {
      dataOf(await gql("query", org.tokens.agent, PREFERENCE, { c: contact }));
    }
    const bad = await gql("mutation", org.tokens.service, RECORD_NAMED, {
      departmentId: DEPARTMENT,
      input: smsEvent("not a number", "STOP_MESSAGE_RECEIVED", false),
    });
    expect(errorCodes(bad)).toEqual(["BAD_USER_INPUT"]);
    const broken = await gql("unknown", org.tokens.agent, "query Broken {");
    expect(broken.status).toBe(400);
    expect(errorCodes(broken)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    dataOf(await gql("query", null, "{ __typename }"));

    const scrape = await scrapeMetrics(server.origin);
    const duration = "switchboard_graphql_operation_duration_seconds";
    expect(scrape.types.get(duration)).toBe("histogram");
    const named = { operation_name: "PreferenceOfOne", operation_type: "query" };
    expect(scrape.value(`${duration}_count`, named)).toBe(2);
    expect(scrape.value(`${duration}_sum`, named)).toBeGreaterThan(0);
    expect(scrape.value(`${duration}_bucket`, { ...named, le: "+Inf" })).toBe(2);
    const anonymous = { operation_name: ANONYMOUS, operation_type: "query" };
    expect(scrape.value(`${duration}_count`, anonymous)).toBe(1);
    // A document that does not parse names no operation of the client's.
    expect(
      scrape.value(`${duration}_count`, { operation_name: ANONYMOUS, operation_type: "unknown" }),
    ).toBe(1);

    const errors = "switchboard_graphql_errors_total";
    expect(scrape.value(errors, { code: "BAD_USER_INPUT", operation_type: "mutation" })).toBe(1);
    expect(scrape.value(errors, { code: "GRAPHQL_PARSE_FAILED", operation_type: "unknown" })).toBe(
      1,
    );
    expect(scrape.value("switchboard_graphql_responses_total", { status: "400" })).toBe(1);
    expect(scrape.value("switchboard_graphql_responses_total", { status: "200" })).toBe(4);

    const statements = "switchboard_graphql_sql_statements";
    expect(scrape.value(`${statements}_count`, { operation_type: "query" })).toBe(3);
    expect(statementsByType.query).toBeGreaterThan(0);
    for (const type of ["query", "mutation"]) {
      expect(scrape.value(`${statements}_sum`, { operation_type: type })).toBe(
        statementsByType[type],
      );
    }
  });

  it("reports group-commit batch sizes and the outboxes' depth and oldest age", async () => {
    const before = await scrapeMetrics(server.origin);
    const { account } = await createTextAccountWithNumber(server.app.services, org.callers.admin);
    const sent = await gql<{ sendText: { status: string } }>("mutation", org.tokens.agent, SEND, {
      input: { accountId: account.id, target: "+14155550123", message: "See you at 10:00" },
    });
    expect(dataOf(sent).sendText.status).toBe("ACCEPTED");
    for (const processSynchronously of [true, false]) {
      const answer = await gql("mutation", org.tokens.service, RECORD_NAMED, {
        departmentId: DEPARTMENT,
        input: smsEvent("+14155550124", "STOP_MESSAGE_RECEIVED", false, { processSynchronously }),
      });
      dataOf(answer);
    }

    const scrape = await scrapeMetrics(server.origin);
    const batches = "switchboard_group_commit_batch_size_count";
    for (const groupCommit of ["texts", "opt_out_events"]) {
      const counted = scrape.value(batches, { group_commit: groupCommit }) ?? 0;
      expect(counted - (before.value(batches, { group_commit: groupCommit }) ?? 0)).toBe(1);
    }
    expect(scrape.value("switchboard_group_commit_batch_size_sum", { group_commit: "texts" })).toBe(
      1,
    );
    for (const outbox of ["texts", "opt_out_requests"]) {
      expect(scrape.value("switchboard_outbox_depth", { outbox })).toBe(1);
      const age = scrape.value("switchboard_outbox_oldest_age_seconds", { outbox });
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(60);
    }
  });

  it("reports the pool on Postgres and nothing for it on PGlite, and the process's defaults", async () => {
    const scrape = await scrapeMetrics(server.origin);
    const pool = "switchboard_db_pool_connections";
    expect(scrape.types.get(pool)).toBe("gauge");
    if (server.app.database.kind === "postgres") {
      expect(scrape.value(pool, { state: "total" })).toBeGreaterThanOrEqual(1);
      expect(scrape.value(pool, { state: "idle" })).toBeGreaterThanOrEqual(0);
      expect(scrape.value(pool, { state: "waiting" })).toBe(0);
    } else {
      expect(scrape.select(pool)).toEqual([]);
    }
    expect(scrape.value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(scrape.types.get("nodejs_eventloop_lag_p99_seconds")).toBe("gauge");
    expect(scrape.value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("answers HEAD without a body, and other methods as an unknown route", async () => {
    const head = await fetch(`${server.origin}/metrics`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(`${server.origin}/metrics`, { method: "POST" });
    expect(post.status).toBe(404);
  });

  it(`labels at most ${MAX_OPERATION_NAMES} operation names, and counts the rest as ${OTHER}`, async () => {
    const names = Array.from({ length: 300 }, (_, index) => `Probe${index}`);
    for (let start = 0; start < names.length; start += 25) {
      await Promise.all(
        names
          .slice(start, start + 25)
          .map(async (name) => dataOf(await gql("query", null, `query ${name} { __typename }`))),
      );
    }
    const scrape = await scrapeMetrics(server.origin);
    const counts = scrape.select("switchboard_graphql_operation_duration_seconds_count");
    const labelled = new Set(counts.map((sample) => sample.labels.operation_name));
    labelled.delete(ANONYMOUS);
    labelled.delete(OTHER);
    expect(labelled.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES);
    const other = counts.filter((sample) => sample.labels.operation_name === OTHER);
    const probesLabelled = names.filter((name) => labelled.has(name)).length;
    expect(other.reduce((total, sample) => total + sample.value, 0)).toBe(300 - probesLabelled);
    expect(probesLabelled).toBeGreaterThanOrEqual(MAX_OPERATION_NAMES - 10);
  });

  it("every metric the Grafana dashboard queries is one /metrics exports", async () => {
    const dashboard = JSON.parse(
      await readFile(new URL("../../ops/grafana/switchboard.json", import.meta.url), "utf8"),
    ) as {
      schemaVersion: number;
      __inputs: { name: string }[];
      panels: { targets?: { expr: string }[] }[];
      templating: { list: { definition?: string }[] };
    };
    expect(dashboard.__inputs.map((input) => input.name)).toContain("DS_PROMETHEUS");
    const expressions = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => variable.definition ?? []),
    ];
    expect(expressions.length).toBeGreaterThan(10);
    const queried = new Set(
      expressions.flatMap((expr) => expr.match(/\b(?:switchboard|nodejs|process)_\w+/g) ?? []),
    );
    const scrape = await scrapeMetrics(server.origin);
    expect([...queried].filter((name) => !exports(scrape, name))).toEqual([]);
  });
});

describe("Metrics", () => {
  it("answers a scrape without an outbox whose count fails or never comes", async () => {
    const metrics = new Metrics({ pool: null, outboxDeadlineMs: 50 });
    metrics.watchOutbox("answers", async () => ({
      depth: 3,
      oldestAt: new Date(Date.now() - 2000),
    }));
    // Stand-ins for a database that refuses, and one that never answers.
    metrics.watchOutbox("refuses", () => Promise.reject(new Error("connection refused")));
    metrics.watchOutbox("frozen", () => new Promise(() => {}));
    const startedAt = Date.now();
    const scrape = parseExposition(await metrics.registry.metrics());
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(scrape.select("switchboard_outbox_depth").map((sample) => sample.labels)).toEqual([
      { outbox: "answers" },
    ]);
    expect(scrape.value("switchboard_outbox_depth", { outbox: "answers" })).toBe(3);
    const age = scrape.value("switchboard_outbox_oldest_age_seconds", { outbox: "answers" });
    expect(age).toBeGreaterThanOrEqual(2);
  });

  it("labels error codes as themselves only when they look like codes", async () => {
    const metrics = new Metrics({ pool: null, outboxDeadlineMs: 50 });
    const record = { operationName: null, operationType: "query" as const, status: 200 };
    metrics.observeOperation({
      ...record,
      durationMs: 3,
      sqlStatements: 1,
      errorCodes: ["NOT_FOUND", "not a code\n", "NOT_FOUND"],
    });
    const scrape = parseExposition(await metrics.registry.metrics());
    const errors = "switchboard_graphql_errors_total";
    expect(scrape.value(errors, { code: "NOT_FOUND", operation_type: "query" })).toBe(2);
    expect(scrape.value(errors, { code: OTHER, operation_type: "query" })).toBe(1);
  });
});
