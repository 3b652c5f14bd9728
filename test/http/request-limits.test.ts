import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_QUERY_FIELDS } from "../../src/query-limits";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type GraphQLResponse,
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

const aliases = (count: number, field: string) =>
  `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(" ")} }`;

async function post(body: unknown, token: string | null = null) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as GraphQLResponse };
}

describe("the cost limit", () => {
  it("refuses aliases of 100-row pages with QUERY_TOO_COMPLEX, its cost and the limit", async () => {
    const { response, body } = await post(
      { query: aliases(300, "contacts(first: 100) { nodes { id name } }") },
      org.tokens.agent,
    );
    expect(response.status).toBe(400);
    expect(errorCodes(body)).toEqual(["QUERY_TOO_COMPLEX"]);
    const extensions = body.errors![0].extensions!;
    expect(extensions.limit).toBe(50_000);
    expect(extensions.cost).toBeGreaterThan(50_000);
    expect(body.data).toBeUndefined();
  });

  it("counts a page whose size is a variable as the largest page", async () => {
    const query = `query ($n: Int) { ${Array.from(
      { length: 200 },
      (_, index) => `a${index}: contacts(first: $n) { nodes { id } }`,
    ).join(" ")} }`;
    const { body } = await post({ query, variables: { n: 1 } }, org.tokens.agent);
    expect(errorCodes(body)).toEqual(["QUERY_TOO_COMPLEX"]);
    // Counted until it passed the limit: 200 × 302 (the field, its 100 rows, `nodes` and its
    // 100 rows, 100 ids) in all.
    expect(body.errors![0].extensions!.cost).toBeGreaterThan(50_000);
  });

  it("lets the inbox page and the README's queries through", async () => {
    for (const query of [
      `{ inbox(first: 50) { nodes { id name subscribers { individual { firstName } }
          lastMessage { body author { firstName } reactions { type } } unreadCount } } }`,
      `{ contacts(first: 5) { totalCount nodes { name phoneNumber phoneNumberFormatted
          preference { doNotText doNotCall } } } }`,
    ]) {
      const response = await server.gql(org.tokens.admin, query);
      expect(response.errors).toBeUndefined();
    }
  });

  it("is set by MAX_QUERY_COST", async () => {
    const strict = await startTestServer({ env: { MAX_QUERY_COST: "30" } });
    try {
      const strictOrg = await strict.createOrganization();
      const over = await strict.gql(strictOrg.tokens.agent, `{ contacts { nodes { id } } }`);
      expect(errorCodes(over)).toEqual(["QUERY_TOO_COMPLEX"]);
      // contacts and its 20 rows, then nodes and its 20: the walk stops as the limit is passed.
      expect(over.errors![0].extensions).toMatchObject({ cost: 42, limit: 30 });
      const under = await strict.gql(
        strictOrg.tokens.agent,
        `{ contacts(first: 5) { nodes { id } } }`,
      );
      expect(under.errors).toBeUndefined();
    } finally {
      await strict.stop();
    }
  });
});

describe("the SQL statement cap", () => {
  it("stops a request's reads at MAX_SQL_STATEMENTS and answers QUERY_TOO_COMPLEX for the rest", async () => {
    const { body } = await post(
      { query: aliases(400, "contacts(first: 1) { totalCount }") },
      org.tokens.agent,
    );
    expect(body.extensions?.sqlStatements).toBeLessThanOrEqual(200);
    expect(new Set(errorCodes(body))).toEqual(new Set(["QUERY_TOO_COMPLEX"]));
    expect(body.errors![0].extensions).toMatchObject({ limit: 200 });
    // The fields are non-null: one refused field nulls the whole answer.
    expect(body.data).toBeNull();
  });

  it("is set by MAX_SQL_STATEMENTS", async () => {
    const strict = await startTestServer({ env: { MAX_SQL_STATEMENTS: "3" } });
    try {
      const strictOrg = await strict.createOrganization();
      const response = await strict.gql(
        strictOrg.tokens.agent,
        aliases(3, "contacts { totalCount }"),
      );
      expect(new Set(errorCodes(response))).toEqual(new Set(["QUERY_TOO_COMPLEX"]));
      expect(response.extensions?.sqlStatements).toBeLessThanOrEqual(3);
    } finally {
      await strict.stop();
    }
  });
});

describe("cheap refusal", () => {
  it("refuses a document over MAX_QUERY_TOKENS at parse", async () => {
    const { response, body } = await post(
      { query: aliases(999, "contacts(first: 100) { totalCount }") },
      org.tokens.agent,
    );
    expect(response.status).toBe(400);
    expect(errorCodes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(body.errors![0].message).toMatch(/5000 tokens/);
  });

  it("answers an anonymous document that asks for data UNAUTHENTICATED, 401, before validating it", async () => {
    // 250 KB of fields that do not exist: validation would name each; the gate never looks.
    const big = aliases(25_000, "nope { nope }");
    expect(big.length).toBeGreaterThan(250_000);
    for (const query of [big, `{ contacts { totalCount } }`, `{ nope }`]) {
      const { response, body } = await post({ query });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(errorCodes(body)).toEqual(["UNAUTHENTICATED"]);
    }
    const viaGet = await fetch(
      `${server.url}?query=${encodeURIComponent("{ contacts { totalCount } }")}`,
      {
        headers: { "apollo-require-preflight": "1" },
      },
    );
    expect(viaGet.status).toBe(401);
  });

  it("still answers an anonymous { __typename }, introspection and a syntax error as before", async () => {
    expect(dataOf(await server.gql(null, `{ __typename }`))).toEqual({ __typename: "Query" });
    const schema = await server.gql(null, `{ __schema { queryType { name } } }`);
    expect(schema.errors).toBeUndefined();
    const { response, body } = await post({ query: `{ contacts ` });
    expect(response.status).toBe(400);
    expect(errorCodes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("says why a presented token was refused", async () => {
    const { response, body } = await post({ query: `{ contacts { totalCount } }` }, "garbage");
    expect(response.status).toBe(401);
    expect(body.errors![0].message).toMatch(/Invalid token/);
  });

  it("stops at the width limit before graphql-js validates a document built to be slow", async () => {
    // Same-named fields are compared pairwise by graphql-js's OverlappingFieldsCanBeMerged.
    const names = Array.from({ length: MAX_QUERY_FIELDS + 1 }, () => "name").join(" ");
    const started = performance.now();
    const { body } = await post({ query: `{ contacts { nodes { ${names} } } }` }, org.tokens.agent);
    expect(errorCodes(body)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("operation resolution", () => {
  it("answers an operationName that names no operation with 400, not 500", async () => {
    const { response, body } = await post(
      { query: `query A { __typename }`, operationName: "B" },
      org.tokens.agent,
    );
    expect(response.status).toBe(400);
    expect(errorCodes(body)).toEqual(["OPERATION_RESOLUTION_FAILURE"]);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
  });

  it("answers several operations without a name with 400, with or without a token", async () => {
    for (const token of [org.tokens.agent, null]) {
      const { response, body } = await post(
        { query: `query A { __typename } query B { __typename }` },
        token,
      );
      expect(response.status).toBe(400);
      expect(errorCodes(body)).toEqual(["OPERATION_RESOLUTION_FAILURE"]);
    }
  });
});

describe("in production", () => {
  let production: TestServer;
  let productionOrg: TestOrganization;
  beforeAll(async () => {
    production = await startTestServer({ env: { NODE_ENV: "production" } });
    productionOrg = await production.createOrganization();
  });
  afterAll(() => production.stop());

  it("keeps the federation SDL from anonymous callers", async () => {
    const anonymous = await production.gql(null, `{ _service { sdl } }`);
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    const signed = await production.gql<{ _service: { sdl: string } }>(
      productionOrg.tokens.service,
      `{ _service { sdl } }`,
    );
    expect(dataOf(signed)._service.sdl).toMatch(/type Contact/);
  });

  it("serves the SDL anonymously with FEDERATION_SDL_PUBLIC=true", async () => {
    const open = await startTestServer({
      env: { NODE_ENV: "production", FEDERATION_SDL_PUBLIC: "true" },
    });
    try {
      expect((await open.gql(null, `{ _service { sdl } }`)).errors).toBeUndefined();
    } finally {
      await open.stop();
    }
  });

  it("suggests no field names in validation errors", async () => {
    const response = await production.gql(productionOrg.tokens.agent, `{ contactz { id } }`);
    expect(errorCodes(response)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(JSON.stringify(response.errors)).not.toMatch(/Did you mean/);
    const development = await server.gql(org.tokens.agent, `{ contactz { id } }`);
    expect(JSON.stringify(development.errors)).toMatch(/Did you mean/);
  });
});

describe("Apollo's refusals without a code", () => {
  it("answers a persisted query whose hash does not match with BAD_REQUEST, 400", async () => {
    const { response, body } = await post(
      { query: `{ __typename }`, extensions: { persistedQuery: { version: 1, sha256Hash: "00" } } },
      org.tokens.agent,
    );
    expect(response.status).toBe(400);
    expect(errorCodes(body)).toEqual(["BAD_REQUEST"]);
    expect(body.errors![0].message).toMatch(/sha does not match/);
  });
});
