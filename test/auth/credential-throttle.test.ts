import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { twilioSignature } from "../../src/modules/text/provider/twilio-signature";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

/** Few failures and a short window, so a test can use them up and wait them out. */
const LIMIT = 3;
const WINDOW_SECONDS = 2;

const serviceOrganizationId = newId();
let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({
    env: {
      ...twilioEnv(stub),
      SERVICE_ACCOUNTS: `ingest:s3cret-pass@${serviceOrganizationId}`,
      AUTH_FAILURE_LIMIT: String(LIMIT),
      AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
  });
  await server.app.services.organizations.create({
    id: serviceOrganizationId,
    name: "Ingress clinic",
    defaultRegion: "US",
  });
  org = await server.createOrganization();
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request from a chosen loopback address (Linux routes all of 127/8 to lo), so that the
 * server sees distinct source addresses.
 */
function request(
  from: string,
  path: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.origin}${path}`,
      {
        method: options.method ?? "POST",
        localAddress: from,
        headers: {
          ...options.headers,
          ...(options.body === undefined
            ? {}
            : { "content-length": Buffer.byteLength(options.body) }),
        },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits out the Retry-After an answer gave, plus a margin for the clock. */
async function waitOut(answer: Answer): Promise<void> {
  await sleep(Number(answer.headers["retry-after"]) * 1000 + 100);
}

function expectThrottled(answer: Answer): void {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
}

describe("POST /communications/department/:departmentUUID/optoutstatus (HTTP Basic)", () => {
  const basic = (password: string) =>
    `Basic ${Buffer.from(`ingest:${password}`).toString("base64")}`;
  const post = (from: string, password: string) =>
    request(from, `/communications/department/${newId()}/optoutstatus`, {
      headers: { "content-type": "application/json", authorization: basic(password) },
      body: JSON.stringify({ communicationAttributesList: [], event: "OPT_IN", updateType: "ALL" }),
    });

  it("answers 429 with Retry-After after too many wrong passwords from one address, the right one too", async () => {
    for (let attempt = 1; attempt <= LIMIT; attempt += 1) {
      expect((await post("127.0.0.1", `wrong-${attempt}`)).status).toBe(401);
    }
    const throttled = await post("127.0.0.1", "wrong-again");
    expectThrottled(throttled);
    expect(JSON.parse(throttled.body)).toMatchObject({
      errors: [{ errorCode: "TOO_MANY_REQUESTS" }],
      warnings: [],
    });
    // Refused before it is checked: the guesser learns nothing from a right guess now.
    expectThrottled(await post("127.0.0.1", "s3cret-pass"));

    // Another address is not locked out by the first one's failures.
    expect((await post("127.0.0.2", "s3cret-pass")).status).not.toBe(401);
    expect((await post("127.0.0.2", "s3cret-pass")).status).not.toBe(429);

    await waitOut(throttled);
    expect((await post("127.0.0.1", "wrong")).status).toBe(401);
    const accepted = await post("127.0.0.1", "s3cret-pass");
    expect([401, 429]).not.toContain(accepted.status);
  });

  it("does not count requests without credentials", async () => {
    const anonymous = () =>
      request("127.0.0.9", `/communications/department/${newId()}/optoutstatus`, {
        headers: { "content-type": "application/json" },
        body: "{}",
      });
    for (let attempt = 0; attempt <= LIMIT + 1; attempt += 1) {
      expect((await anonymous()).status).toBe(401);
    }
    expect([401, 429]).not.toContain((await post("127.0.0.9", "s3cret-pass")).status);
  });
});

describe("GraphQL bearer tokens", () => {
  const query = "{ organization { id } }";
  const postQuery = (from: string, token: string) =>
    request(from, "/graphql", {
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
  // GET goes through Express and @as-integrations/express5 rather than the plain POST handler.
  const getQuery = (from: string, token: string) =>
    request(from, `/graphql?query=${encodeURIComponent(query)}`, {
      method: "GET",
      headers: { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" },
    });

  it("answers TOO_MANY_REQUESTS (429, Retry-After) after too many invalid tokens, on POST and GET", async () => {
    const expired = await server.tokenFor(org.callers.agent, -60);
    const invalid = [expired, "garbage", `${org.tokens.agent.slice(0, -4)}AAAA`];
    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      const answer = await postQuery("127.0.0.3", invalid[attempt % invalid.length]);
      // Refused before running (the anonymous gate): 401.
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    for (const send of [postQuery, getQuery]) {
      for (const token of ["garbage", org.tokens.agent]) {
        const throttled = await send("127.0.0.3", token);
        expectThrottled(throttled);
        const body = JSON.parse(throttled.body);
        expect(body.errors[0].extensions).toEqual({
          code: "TOO_MANY_REQUESTS",
          retryAfter: Number(throttled.headers["retry-after"]),
        });
        expect(body.data).toBeUndefined();
      }
    }

    for (const send of [postQuery, getQuery]) {
      const other = await send("127.0.0.4", org.tokens.agent);
      expect(other.status).toBe(200);
      expect(JSON.parse(other.body).data).toEqual({ organization: { id: org.id } });
    }

    await waitOut(await postQuery("127.0.0.3", org.tokens.agent));
    const again = await postQuery("127.0.0.3", org.tokens.agent);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).data).toEqual({ organization: { id: org.id } });
  });

  it("counts a malformed Authorization header, not a missing one", async () => {
    for (let attempt = 0; attempt <= LIMIT + 1; attempt += 1) {
      const anonymous = await request("127.0.0.10", "/graphql", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(anonymous.status).toBe(200);
    }
    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      const malformed = await request("127.0.0.10", "/graphql", {
        headers: { "content-type": "application/json", authorization: "Basic abc" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(malformed.status).toBe(200);
    }
    expectThrottled(await postQuery("127.0.0.10", org.tokens.agent));
  });
});

describe("webhooks", () => {
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it("throttles bad Twilio signatures per address, on the plain and the Express path", async () => {
    const params = { MessageSid: "SMnotours", MessageStatus: "delivered" };
    const post = (from: string, path: string, signature: string) =>
      request(from, path, {
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": signature,
        },
        body: form(params),
      });
    const path = `/webhooks/twilio/${org.id}/status`;
    const signed = (at: string) => twilioSignature(stub.authToken, `${server.origin}${at}`, params);

    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      expect((await post("127.0.0.5", path, `forged${attempt}=`)).status).toBe(401);
    }
    const throttled = await post("127.0.0.5", path, "forged=");
    expectThrottled(throttled);
    expect(JSON.parse(throttled.body)).toMatchObject({ errors: [{ code: "TOO_MANY_REQUESTS" }] });
    expectThrottled(await post("127.0.0.5", path, signed(path)));
    // A trailing slash is served by the Express route.
    expectThrottled(await post("127.0.0.5", `${path}/`, signed(`${path}/`)));

    // Signed right from another address: past the signature to "unknown message".
    expect(await post("127.0.0.6", path, signed(path))).toMatchObject({ status: 404 });

    await waitOut(throttled);
    expect(await post("127.0.0.5", path, signed(path))).toMatchObject({ status: 404 });
  });

  it("throttles bad bearer tokens on POST /v1/texts/:id/callback", async () => {
    const callback = (from: string, token: string) =>
      request(from, `/v1/texts/${newId()}/callback`, {
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ status: "delivered" }),
      });
    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      expect((await callback("127.0.0.7", "not-a-token")).status).toBe(401);
    }
    const throttled = await callback("127.0.0.7", org.tokens.service);
    expectThrottled(throttled);
    expect(JSON.parse(throttled.body)).toMatchObject({
      errors: [{ status: 429, code: "TOO_MANY_REQUESTS" }],
    });

    expect((await callback("127.0.0.8", org.tokens.service)).status).toBe(404);

    await waitOut(throttled);
    expect((await callback("127.0.0.7", org.tokens.service)).status).toBe(404);
  });

  it("shares one count across routes: GraphQL failures throttle the ingress too", async () => {
    for (let attempt = 0; attempt < LIMIT; attempt += 1) {
      await request("127.0.0.11", "/graphql", {
        headers: { "content-type": "application/json", authorization: "Bearer nope" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    }
    const ingress = await request(
      "127.0.0.11",
      `/communications/department/${newId()}/optoutstatus`,
      {
        headers: {
          "content-type": "application/json",
          authorization: `Basic ${Buffer.from("ingest:s3cret-pass").toString("base64")}`,
        },
        body: "{}",
      },
    );
    expectThrottled(ingress);
  });
});
