import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrowawayCluster } from "../faults/cluster";
import { collectLogLines } from "../helpers/log-lines";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

const onPostgres = process.env.TEST_DB === "postgres";

let server: TestServer;
let org: TestOrganization;
let cluster: ThrowawayCluster | undefined;
const { destination, lines } = collectLogLines();

beforeAll(async () => {
  // On Postgres, a cluster of the test's own, which it may kill: never the shared one.
  if (onPostgres) cluster = await ThrowawayCluster.create();
  const database = cluster
    ? { databaseUrl: cluster.url, dataDir: ":memory:", drop: async () => {} }
    : undefined;
  server = await startTestServer({
    database,
    env: { LOG_LEVEL: "info", RUN_WORKERS: "false" },
    logDestination: destination,
  });
  org = await server.createOrganization();
}, 120_000);

afterAll(async () => {
  await server.stop().catch(() => undefined);
  await cluster?.destroy();
});

describe("the database stopped under a query", () => {
  it("logs the query's failure with the request's id, operation and path", async () => {
    if (cluster) await cluster.killImmediately();
    else await server.app.database.pglite!.close();
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${org.tokens.admin}`,
        "x-request-id": "down-1",
      },
      body: JSON.stringify({ query: `query Down { contacts(first: 5) { nodes { id } } }` }),
    });
    const body = (await response.json()) as {
      errors: { path?: string[]; extensions: { code: string } }[];
    };
    // Postgres unreachable is the caller's to retry (503); a closed PGlite is a fault of ours.
    const code = onPostgres ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR";
    expect(response.status).toBe(onPostgres ? 503 : 200);
    expect(body.errors[0]).toMatchObject({ path: ["contacts"], extensions: { code } });
    const logged = lines.filter((line) => line.requestId === "down-1" && line.msg !== "request");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: onPostgres ? 40 : 50,
      operationName: "Down",
      path: ["contacts"],
      code,
    });
  });
});
