import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectLogLines } from "../helpers/log-lines";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
let org: TestOrganization;
const { destination, lines } = collectLogLines();

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: "info" }, logDestination: destination });
  org = await server.createOrganization();
  await server.gql(
    org.tokens.admin,
    `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
    { input: { name: "Ada Lovelace", phoneNumber: "+14155550101" } },
  );
});
afterAll(() => server.stop());

async function request(
  path: string,
  init: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  const response = await fetch(new URL(path, server.origin), {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${org.tokens.admin}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  await response.arrayBuffer();
  return response;
}

/** The log lines of one request, once its access-log line is written (at the response's close). */
async function linesOf(requestId: string): Promise<Record<string, unknown>[]> {
  const mine = () => lines.filter((line) => line.requestId === requestId);
  for (let waited = 0; !mine().some((line) => line.msg === "request") && waited < 2000;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    waited += 20;
  }
  return mine();
}

describe("x-request-id", () => {
  it("echoes the caller's id on GraphQL, probes, REST and unknown paths", async () => {
    const graphql = await request("/graphql", {
      headers: { "x-request-id": "req-graphql-1" },
      body: { query: "{ __typename }" },
    });
    expect(graphql.headers.get("x-request-id")).toBe("req-graphql-1");
    for (const path of ["/livez", "/readyz", "/no/such/path"]) {
      const answer = await request(path, { headers: { "x-request-id": "req:probe/2+x=@y" } });
      expect(answer.headers.get("x-request-id"), path).toBe("req:probe/2+x=@y");
    }
  });

  it("makes a new one when none is sent, or when the caller's is too long or has other characters", async () => {
    for (const given of [undefined, "x".repeat(129), "has space", 'quote"d', "ünïcode"]) {
      const answer = await request("/livez", {
        headers: given === undefined ? {} : { "x-request-id": given },
      });
      expect(answer.headers.get("x-request-id"), String(given)).toMatch(UUID);
    }
    const longest = "y".repeat(128);
    const kept = await request("/livez", { headers: { "x-request-id": longest } });
    expect(kept.headers.get("x-request-id")).toBe(longest);
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await fetch(new URL("/no/such/path", server.origin));
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("the access log", () => {
  it("writes one line per request: method, operation name and type, status, duration, SQL statements, cost", async () => {
    await request("/graphql", {
      headers: { "x-request-id": "access-1" },
      body: { query: `query ListContacts { contacts(first: 5) { nodes { id name } } }` },
    });
    const access = (await linesOf("access-1")).filter((line) => line.msg === "request");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 30,
      method: "POST",
      path: "/graphql",
      operationName: "ListContacts",
      operationType: "query",
      status: 200,
      errorCodes: [],
    });
    expect(access[0].durationMs).toBeGreaterThan(0);
    expect(access[0].sqlStatements).toBeGreaterThanOrEqual(1);
    expect(access[0].cost).toBeGreaterThan(0);
  });

  it("names a refused request's operation and its error codes", async () => {
    await request("/graphql", {
      headers: { "x-request-id": "access-2" },
      body: { query: `mutation Wrong { noSuchField }`, operationName: "Wrong" },
    });
    const [access] = (await linesOf("access-2")).filter((line) => line.msg === "request");
    expect(access).toMatchObject({
      operationName: "Wrong",
      status: 400,
      errorCodes: ["GRAPHQL_VALIDATION_FAILED"],
    });
  });
});

describe("an error of the server's own making in a compiled query", () => {
  const SECRET = "Guinevere Quackenbush";

  beforeAll(() =>
    server.app.database.db.execute(sql`alter table contacts rename column email to email_gone`),
  );
  afterAll(() =>
    server.app.database.db.execute(sql`alter table contacts rename column email_gone to email`),
  );

  it("reaches formatError: logged once as JSON with request id, operation, path, code and cause, never the variables", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${org.tokens.admin}`,
        "x-request-id": "broken-1",
      },
      body: JSON.stringify({
        query: `query Broken($name: String) {
          contacts(first: 5, filter: { name: $name }) { nodes { id email } } }`,
        variables: { name: SECRET },
      }),
    });
    const body = (await response.json()) as {
      errors: { message: string; path: string[]; locations: unknown[]; extensions: unknown }[];
    };
    expect(body.errors).toEqual([
      {
        message: "Internal server error",
        path: ["contacts"],
        locations: [{ line: 2, column: 11 }],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    const mine = await linesOf("broken-1");
    const errors = mine.filter((line) => (line.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      requestId: "broken-1",
      operationName: "Broken",
      path: ["contacts"],
      code: "INTERNAL_SERVER_ERROR",
    });
    expect(JSON.stringify(errors[0].err)).toMatch(/email/);
    for (const line of mine) expect(JSON.stringify(line)).not.toContain(SECRET);
    const [access] = mine.filter((line) => line.msg === "request");
    expect(access).toMatchObject({
      operationName: "Broken",
      errorCodes: ["INTERNAL_SERVER_ERROR"],
    });
  });
});
