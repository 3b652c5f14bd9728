import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";

let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
});
afterAll(() => server.stop());

const auth = () => ({ authorization: `Bearer ${org.tokens.admin}` });

describe("GraphQL over HTTP", () => {
  it("answers a GET query with the graphql-response media type when asked for it", async () => {
    const url = `${server.url}?query=${encodeURIComponent("{ contacts { totalCount } }")}`;
    const response = await fetch(url, {
      headers: {
        ...auth(),
        accept: "application/graphql-response+json",
        "apollo-require-preflight": "1",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/graphql-response\+json/);
    expect(await response.json()).toMatchObject({ data: { contacts: { totalCount: 0 } } });
  });

  it("refuses a mutation over GET with 405 and writes nothing", async () => {
    const mutation = `mutation { createContact(input: { name: "via GET" }) { id } }`;
    const response = await fetch(`${server.url}?query=${encodeURIComponent(mutation)}`, {
      headers: { ...auth(), "apollo-require-preflight": "1" },
    });
    expect(response.status).toBe(405);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe("BAD_REQUEST");
    const count = await server.gql<{ contacts: { totalCount: number } }>(
      org.tokens.admin,
      `{ contacts { totalCount } }`,
    );
    expect(dataOf(count).contacts.totalCount).toBe(0);
  });

  it("blocks a simple cross-site GET without a preflight header (CSRF prevention)", async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(response.status).toBe(400);
  });

  it("answers a malformed JSON body with a coded GraphQL error and no stack trace", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: '{"query": "{ contacts { totalCount } ',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: "Malformed JSON body", extensions: { code: "BAD_REQUEST" } }],
    });
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("answers an unknown enum value in variables with BAD_USER_INPUT naming the field", async () => {
    const response = await server.gql(
      org.tokens.admin,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      {
        input: { name: "x", type: "ROBOT" },
      },
    );
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.type",
    });
  });

  it("answers a syntax error as GRAPHQL_PARSE_FAILED and an unknown field as GRAPHQL_VALIDATION_FAILED", async () => {
    expect(errorCodes(await server.gql(org.tokens.admin, `{ contacts { `))).toEqual([
      "GRAPHQL_PARSE_FAILED",
    ]);
    expect(errorCodes(await server.gql(org.tokens.admin, `{ contacts { password } }`))).toEqual([
      "GRAPHQL_VALIDATION_FAILED",
    ]);
  });

  it("answers an invalid UUID with BAD_USER_INPUT naming the argument", async () => {
    const response = await server.gql(
      org.tokens.admin,
      `{ contact(id: "1; drop table contacts") { id } }`,
    );
    expect(response.errors?.[0].extensions).toEqual({ code: "BAD_USER_INPUT", field: "id" });
  });

  it("answers a query with data and a resolver's error, formatted, having run it once", async () => {
    const query = `{ contacts { totalCount } contact(id: "1; drop table contacts") { id } }`;
    const alone = await server.gql(org.tokens.admin, `{ contacts { totalCount } }`);
    const response = await server.gql<{ contacts: { totalCount: number }; contact: null }>(
      org.tokens.admin,
      query,
    );
    expect(response.data).toEqual({ contacts: { totalCount: 0 }, contact: null });
    expect(response.errors).toMatchObject([
      { path: ["contact"], extensions: { code: "BAD_USER_INPUT", field: "id" } },
    ]);
    // The compiled query's result is answered as it is, not executed again to report its error.
    expect(response.extensions?.sqlStatements).toBe(alone.extensions?.sqlStatements);
    expect(response.extensions?.sqlStatements).toBeGreaterThan(0);
  });

  it("never returns a stack trace or SQL text in errors", async () => {
    const responses = await Promise.all([
      server.gql(org.tokens.admin, `{ contact(id: "nope") { id } }`),
      server.gql(org.tokens.admin, `{ contacts(first: 1000) { totalCount } }`),
      server.gql(
        org.tokens.admin,
        `mutation { createContact(input: { name: "${"x".repeat(300)}" }) { id } }`,
      ),
    ]);
    for (const response of responses) {
      const text = JSON.stringify(response);
      expect(text).not.toMatch(/stacktrace|select |insert |\.ts:\d+/i);
    }
  });

  it("serves Apollo Sandbox to a browser in development", async () => {
    const response = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it("answers the health check", async () => {
    const response = await fetch(`${server.origin}/healthz`);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("production mode", () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ env: { NODE_ENV: "production" } });
  });
  afterAll(() => production.stop());

  it("turns introspection and the landing page off", async () => {
    const introspection = await production.gql(null, `{ __schema { types { name } } }`);
    expect(errorCodes(introspection)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const page = await fetch(production.url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });
});

describe("query limits", () => {
  it("refuses a document nested deeper than the limit with QUERY_TOO_COMPLEX", async () => {
    let type = "name";
    for (let level = 0; level < 10; level += 1) type = `ofType { ${type} }`;
    const deep = await server.gql(
      org.tokens.admin,
      `{ __schema { types { fields { type { ${type} } } } } }`,
    );
    expect(errorCodes(deep), JSON.stringify(deep.errors)).toEqual(["QUERY_TOO_COMPLEX"]);
    const shallow = await server.gql(
      org.tokens.admin,
      `{ __schema { types { fields { type { ofType { name } } } } } }`,
    );
    expect(shallow.errors).toBeUndefined();
  });

  it("refuses a document selecting too many fields, fragments counted where spread", async () => {
    const aliases = Array.from({ length: 700 }, (_, index) => `a${index}: __typename`).join(" ");
    const wide = await server.gql(
      org.tokens.admin,
      `fragment Wide on Query { ${aliases} } { ...Wide x: contacts { totalCount } y: __schema { queryType { ...on __Type { name } } } ...Wide ...Wide }`,
    );
    expect(errorCodes(wide)).toEqual(["QUERY_TOO_COMPLEX"]);
    const fine = await server.gql(
      org.tokens.admin,
      `fragment Wide on Query { ${aliases} } { ...Wide }`,
    );
    expect(fine.errors).toBeUndefined();
  });
});

describe("CORS", () => {
  let withCors: TestServer;
  beforeAll(async () => {
    withCors = await startTestServer({ env: { CORS_ORIGINS: "https://app.example.org" } });
  });
  afterAll(() => withCors.stop());

  it("allows only the configured origins", async () => {
    const preflight = (origin: string) =>
      fetch(withCors.url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
    const allowed = await preflight("https://app.example.org");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    const refused = await preflight("https://evil.example.com");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const none = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.org" },
    });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("marks a JSON POST from an allowed origin, and only from it", async () => {
    const post = (origin: string) =>
      fetch(withCors.url, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    const allowed = await post("https://app.example.org");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(await allowed.json()).toMatchObject({ data: { __typename: "Query" } });
    const refused = await post("https://evil.example.com");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("POST bodies", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(server.url, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json", ...headers },
      body,
    });
  const malformed = {
    errors: [{ message: "Malformed JSON body", extensions: { code: "BAD_REQUEST" } }],
  };

  it("answers JSON that is not an object or array as a malformed body", async () => {
    for (const body of ['"{ __typename }"', "42", "null"]) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      expect(await response.json()).toEqual(malformed);
    }
  });

  it("answers a body over 1 MB with 413 and a coded error", async () => {
    const response = await post(
      JSON.stringify({ query: `{ __typename }`, pad: "x".repeat(1.1e6) }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: "request entity too large", extensions: { code: "BAD_REQUEST" } }],
    });
  });

  it("answers an empty body with Apollo's own error, and a charset parameter as plain JSON", async () => {
    const empty = await post("");
    expect(empty.status).toBe(400);
    const charset = await post(JSON.stringify({ query: "{ __typename }" }), {
      "content-type": "application/json; charset=utf-8",
    });
    expect(await charset.json()).toMatchObject({ data: { __typename: "Query" } });
  });

  it("answers a JSON POST with a query string and another content type alike", async () => {
    const query = JSON.stringify({ query: "{ contacts { totalCount } }" });
    const plain = await fetch(`${server.url}?x=1`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: query,
    });
    const vendor = await post(query, { "content-type": "application/graphql-response+json" });
    expect(await plain.json()).toMatchObject({ data: { contacts: { totalCount: 0 } } });
    // Not JSON to express.json either: Apollo refuses the body it cannot read.
    expect(vendor.status).toBe(400);
  });
});

describe("Apollo Sandbox in development", () => {
  it("prefills the development token as a shared Authorization header", async () => {
    const app = await startApp(
      loadConfig({ NODE_ENV: "development", PORT: "0", DATA_DIR: ":memory:", LOG_LEVEL: "silent" }),
      {
        sandboxToken: async () => "dev-admin-token",
      },
    );
    try {
      const page = await fetch(app.server.url, { headers: { accept: "text/html" } });
      expect(await page.text()).toContain(
        '"sharedHeaders":{"Authorization":"Bearer dev-admin-token"}',
      );
    } finally {
      await app.stop();
    }
  });
});
