import { DEMO_ORGANIZATION_ID } from "../../src/demo";
import { hostileString } from "./hostile";
import { literal, type Operation, type OperationGenerator } from "./operations";
import type { Random } from "./random";
import type { FuzzTokens } from "./tokens";

export interface FuzzRequest {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const JSON_TYPE = { "content-type": "application/json" };

/**
 * Draws hostile requests by category, from a seeded Random: GraphQL from the served schema
 * (valid tokens mostly, so resolvers and the database are reached), broken in every way
 * issue 15 lists, and the REST routes' bodies and credentials.
 */
export class RequestGenerator {
  private readonly categories: [number, (this: RequestGenerator) => FuzzRequest][] = [
    [30, this.schemaOperation],
    [15, this.hostileValues],
    [8, this.illTypedVariables],
    [5, this.malformedJson],
    [6, this.malformedDocument],
    [6, this.badToken],
    [6, this.pagination],
    [4, this.deepOrWide],
    [4, this.operationNames],
    [5, this.getRequest],
    [4, this.wrongContentType],
    [1, this.hugeBody],
    [2, this.batch],
    [4, this.restRoute],
  ];
  private readonly totalWeight = this.categories.reduce((sum, [weight]) => sum + weight, 0);

  constructor(
    private readonly random: Random,
    private readonly operations: OperationGenerator,
    private readonly tokens: FuzzTokens,
  ) {}

  next(): FuzzRequest {
    let roll = this.random.next() * this.totalWeight;
    for (const [weight, generate] of this.categories) {
      roll -= weight;
      if (roll < 0) return generate.call(this);
    }
    return this.schemaOperation();
  }

  private validAuth(): Record<string, string> {
    return { authorization: this.random.pick(this.tokens.valid) };
  }

  private post(category: string, body: unknown, headers = this.validAuth()): FuzzRequest {
    return {
      category,
      method: "POST",
      path: "/graphql",
      headers: { ...JSON_TYPE, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    };
  }

  private bodyOf(operation: Operation): Record<string, unknown> {
    const { query, variables, operationName } = operation;
    return { query, variables, ...(operationName ? { operationName } : {}) };
  }

  private schemaOperation(): FuzzRequest {
    return this.post("schema", this.bodyOf(this.operations.operation("normal")));
  }

  private hostileValues(): FuzzRequest {
    return this.post("hostile-values", this.bodyOf(this.operations.operation("hostile")));
  }

  private illTypedVariables(): FuzzRequest {
    const body = this.bodyOf(this.operations.operation("illTyped"));
    const random = this.random;
    if (random.chance(0.2)) body.variables = random.pick<unknown>(["vars", 1, [1], null, true]);
    if (random.chance(0.1)) body.variables = { ...(body.variables as object), undeclared: 1 };
    return this.post("ill-typed-variables", body);
  }

  private malformedJson(): FuzzRequest {
    const random = this.random;
    const valid = JSON.stringify(this.bodyOf(this.operations.operation("normal")));
    const body = random.pick([
      valid.slice(0, random.int(0, valid.length - 1)),
      `${valid}}`,
      valid.replace(/"/g, "'"),
      "{",
      "nul",
      "[",
      '"a string"',
      "42",
      "null",
      "[]",
      "[1, 2]",
      '{"query": 5}',
      '{"query": ["{ __typename }"]}',
      '{"query": null}',
      '{"query": "{ __typename }", "variables": "{}"}',
      '{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}',
      '{"__proto__": {"query": "{ __typename }"}}',
      "\u0000\u0001\u0002",
      '{"query": "{ __typename }"} trailing',
      '\ufeff{"query": "{ __typename }"}',
      '{"query": "\\ud800"}',
    ]);
    return this.post("malformed-json", body);
  }

  private malformedDocument(): FuzzRequest {
    const random = this.random;
    let query = this.operations.operation("normal").query;
    const edits = random.int(1, 3);
    for (let edit = 0; edit < edits; edit += 1) {
      const at = random.int(0, query.length);
      const insert = random.pick([
        "{",
        "}",
        "(",
        ")",
        "$",
        "...",
        "@skip",
        "#",
        '"',
        "\\u0000",
        ":",
        "!",
      ]);
      query = random.chance(0.5)
        ? query.slice(0, at) + insert + query.slice(at)
        : query.slice(0, at) + query.slice(at + random.int(1, 5));
    }
    if (random.chance(0.2)) query = hostileString(random);
    return this.post("malformed-document", { query });
  }

  private badToken(): FuzzRequest {
    const auth: Record<string, string> = this.random.chance(0.9)
      ? { authorization: this.random.pick(this.tokens.bad) }
      : {};
    return this.post("bad-token", this.bodyOf(this.operations.operation("normal")), auth);
  }

  private pagination(): FuzzRequest {
    const random = this.random;
    const field = random.pick(["contacts", "channels", "contactPreferences", "texts", "inbox"]);
    const amount = () => random.pick([-1, 0, 1e9, 2 ** 31 - 1, 101, 100, 1.5, -(2 ** 31)]);
    const cursor = () =>
      random.pick([
        "",
        "garbage",
        Buffer.from("x").toString("base64"),
        Buffer.from('{"id":"1","at":"never"}').toString("base64url"),
        Buffer.from(hostileString(random)).toString("base64"),
        "%%%",
        "a".repeat(10_000),
      ]);
    const args: Record<string, unknown> = {};
    if (random.chance(0.6)) args.first = amount();
    if (random.chance(0.4)) args.last = amount();
    if (random.chance(0.4)) args.after = cursor();
    if (random.chance(0.3)) args.before = cursor();
    const printed = Object.entries(args).map(([name, value]) => `${name}: ${literal(value)}`);
    const query = `{ ${field}${printed.length ? `(${printed.join(", ")})` : ""} { totalCount pageInfo { hasNextPage endCursor } } }`;
    return this.post("pagination", { query });
  }

  private deepOrWide(): FuzzRequest {
    const random = this.random;
    const shape = random.int(0, 4);
    let query: string;
    if (shape === 0) {
      const depth = random.pick([20, 100, 1000]);
      query = `{ ${"contacts { nodes { preference { contact { ".repeat(depth / 4)}id${" } } } }".repeat(depth / 4)} }`;
    } else if (shape === 1) {
      const width = random.pick([100, 1000, 5000]);
      query = `{ ${Array.from({ length: width }, (_, index) => `a${index}: __typename`).join(" ")} }`;
    } else if (shape === 2) {
      const count = random.pick([10, 50]);
      query = `{ ${Array.from({ length: count }, (_, index) => `c${index}: contacts(first: 100) { nodes { id name } }`).join(" ")} }`;
    } else if (shape === 3) {
      query = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    } else {
      query = `{ __typename ${"@skip(if: false) ".repeat(random.pick([10, 1000]))} }`;
    }
    return this.post("deep-or-wide", { query });
  }

  private operationNames(): FuzzRequest {
    const random = this.random;
    const a = this.operations.operation("normal", "query").query.replace(/^query( \w+)?/, "query");
    const b = this.operations.operation("normal").query.replace(/^(query|mutation)( \w+)?/, "$1");
    const named = "query A { __typename } query B { __typename }";
    const bodies = [
      { query: `${a} ${b}` },
      { query: `${a} ${b}`, operationName: "A" },
      { query: named, operationName: "C" },
      { query: named },
      { query: named, operationName: "" },
      { query: named, operationName: 5 },
      { query: a, operationName: "Nope" },
      { query: a, operationName: null },
      { query: "query A { __typename } query A { __typename }", operationName: "A" },
    ];
    return this.post("operation-name", random.pick(bodies));
  }

  private getRequest(): FuzzRequest {
    const random = this.random;
    const operation = this.operations.operation(
      "normal",
      random.chance(0.5) ? "mutation" : "query",
    );
    const params = new URLSearchParams({ query: operation.query });
    if (random.chance(0.5)) params.set("variables", JSON.stringify(operation.variables));
    if (random.chance(0.1)) params.set("variables", "{not json");
    if (operation.operationName && random.chance(0.5))
      params.set("operationName", operation.operationName);
    const headers: Record<string, string> = { ...this.validAuth() };
    if (random.chance(0.8)) headers["apollo-require-preflight"] = "true";
    if (random.chance(0.2))
      headers.accept = random.pick(["text/html", "application/graphql-response+json", "*/*"]);
    return { category: "get", method: "GET", path: `/graphql?${params}`, headers };
  }

  private wrongContentType(): FuzzRequest {
    const random = this.random;
    const body = JSON.stringify(this.bodyOf(this.operations.operation("normal")));
    const type = random.pick([
      "text/plain",
      "application/graphql",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "application/xml",
      "",
    ]);
    const headers: Record<string, string> = { ...this.validAuth(), "content-type": type };
    if (random.chance(0.2))
      headers["content-encoding"] = random.pick(["gzip", "deflate", "br", "bogus"]);
    return { category: "content-type", method: "POST", path: "/graphql", headers, body };
  }

  private hugeBody(): FuzzRequest {
    const random = this.random;
    const size = random.pick([900_000, 1_100_000, 3_000_000]);
    const body = random.chance(0.5)
      ? JSON.stringify({ query: `{ __typename }`, variables: { pad: "x".repeat(size) } })
      : JSON.stringify({ query: `{ __typename ${"# pad\n".repeat(size / 6)}}` });
    return this.post("huge-body", body);
  }

  private batch(): FuzzRequest {
    const count = this.random.pick([0, 1, 2, 50]);
    return this.post(
      "batch",
      Array.from({ length: count }, () => this.bodyOf(this.operations.operation("normal"))),
    );
  }

  private restRoute(): FuzzRequest {
    const random = this.random;
    const value = () => (random.chance(0.5) ? hostileString(random) : "+14155550123");
    const org = random.pick([
      DEMO_ORGANIZATION_ID,
      "not-a-uuid",
      "0195f0a0-0000-7000-8000-0000000000ff",
    ]);
    const routes: FuzzRequest[] = [
      {
        category: "rest-ingress",
        method: "POST",
        path: `/communications/department/${random.pick([DEMO_ORGANIZATION_ID, "x", "%00"])}/optoutstatus`,
        headers: {
          ...JSON_TYPE,
          authorization: `Basic ${Buffer.from(`${value()}:${value()}`).toString("base64")}`,
        },
        body: JSON.stringify({ communicationAttributesList: [{ communicationValue: value() }] }),
      },
      {
        category: "rest-twilio",
        method: "POST",
        path: `/webhooks/twilio/${org}/${random.pick(["status", "inbound"])}`,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(random.chance(0.7) ? { "x-twilio-signature": "forged=" } : {}),
        },
        body: new URLSearchParams({ MessageSid: value(), From: value(), Body: value() }).toString(),
      },
      {
        category: "rest-callback",
        method: "POST",
        path: `/v1/texts/${random.pick(["x", DEMO_ORGANIZATION_ID])}/callback`,
        headers: {
          ...JSON_TYPE,
          ...(random.chance(0.5)
            ? this.validAuth()
            : { authorization: random.pick(this.tokens.bad) }),
        },
        body: random.chance(0.8) ? JSON.stringify({ status: value(), error: value() }) : "{",
      },
      {
        category: "rest-other",
        method: random.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
        path: random.pick([
          "/graphql",
          "/",
          "/healthz",
          "/nope",
          "/graphql/../etc",
          "/%00",
          "/graphql?query=%ZZ",
        ]),
        headers: {},
      },
    ];
    return random.pick(routes);
  }
}
