import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

const onPostgres = process.env.TEST_DB === "postgres";

describe("operating endpoints", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it("answers /livez, and /readyz and /healthz while the database answers", async () => {
    for (const path of ["/livez", "/readyz", "/healthz"]) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    }
  });

  it("answers an unknown path with a JSON 404", async () => {
    const response = await fetch(`${server.origin}/no/such/thing`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: "NOT_FOUND" } }],
    });
  });
});

/**
 * A statement held by a lock the test owns stands in for a database too slow to answer: the
 * server's statement deadline and its request deadline each answer SERVICE_UNAVAILABLE, 503.
 */
describe.skipIf(!onPostgres)("deadlines on a database too slow to answer", () => {
  let database: TestDatabase;
  let org: TestOrganization;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await database?.drop();
  });

  async function serverWith(env: Record<string, string>) {
    const server = await startTestServer({ database, env });
    servers.push(server);
    org ??= await server.createOrganization();
    return server;
  }

  async function withContactsLocked<T>(run: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: database.databaseUrl! });
    await client.connect();
    try {
      await client.query("begin");
      await client.query("lock table contacts in access exclusive mode");
      return await run();
    } finally {
      await client.query("rollback").catch(() => undefined);
      await client.end();
    }
  }

  const CREATE = `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`;
  const LIST = `{ contacts(first: 5) { totalCount nodes { id } } }`;

  for (const [name, env] of [
    ["the statement deadline", { DB_STATEMENT_TIMEOUT_MS: "700", REQUEST_TIMEOUT_MS: "20000" }],
    ["the request deadline", { DB_STATEMENT_TIMEOUT_MS: "20000", REQUEST_TIMEOUT_MS: "700" }],
  ] as const) {
    it(`answers a query and a mutation SERVICE_UNAVAILABLE (503) at ${name}`, async () => {
      const server = await serverWith(env);
      // Each test server signs with a secret of its own.
      const token = await server.tokenFor(org.callers.admin);
      await withContactsLocked(async () => {
        for (const [query, variables] of [
          [LIST, undefined],
          [CREATE, { input: { name: "Late", phoneNumber: "+14155550401" } }],
        ] as const) {
          const startedAt = Date.now();
          const response = await server.gql(token, query, variables);
          expect(response.status, JSON.stringify(response)).toBe(503);
          expect(response.errors?.[0]?.extensions?.code, query).toBe("SERVICE_UNAVAILABLE");
          expect(Date.now() - startedAt).toBeLessThan(3_000);
        }
        const ready = await fetch(`${server.origin}/livez`);
        expect(ready.status).toBe(200);
      });
      // The lock gone, the same server serves again.
      const response = await server.gql(token, LIST);
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
    });
  }
});
