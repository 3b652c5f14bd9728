import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { DEPARTMENT, flagsOf } from "./helpers";

const organizationId = newId();
let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer({
    env: { SERVICE_ACCOUNTS: `ingest:s3cret-pass@${organizationId}` },
  });
  await server.app.services.organizations.create({
    id: organizationId,
    name: "Ingress clinic",
    defaultRegion: "US",
  });
  const caller = { individualId: newId(), organizationId, roles: ["agent" as const] };
  org = {
    id: organizationId,
    callers: { admin: caller, agent: caller, service: caller },
    tokens: { admin: "", agent: await server.tokenFor(caller), service: "" },
  };
});
afterAll(() => server.stop());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function post(
  body: unknown,
  authorization: string | null = basic("ingest", "s3cret-pass"),
  department = DEPARTMENT,
) {
  return fetch(`${server.origin}/communications/department/${department}/optoutstatus`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(authorization ? { authorization } : {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const seedBody = (value: string, event = "STOP_MESSAGE_RECEIVED", okToCommunicate = false) => ({
  customerUUID: "c-1",
  messageUUID: newId(),
  userUUID: "u-1",
  apiCallSource: "ivr",
  communicationAttributesList: [
    { communicationType: "SMS", communicationValue: value, okToCommunicate, customerUUID: "c-1" },
  ],
  event,
  updateType: "MESSAGE",
  processSynchronously: true,
});

describe("POST /communications/department/:departmentUUID/optoutstatus (seed 003)", () => {
  it("applies the seed's body with valid Basic credentials and answers {errors, warnings}", async () => {
    const response = await post(seedBody("(415) 555-7100"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ errors: [], warnings: [] });
    expect((await flagsOf(server, org, "+14155557100"))?.doNotText).toBe(true);
  });

  it("passes warnings through", async () => {
    const response = await post(seedBody("+14155557101", "STOP_SUSPECTED_MESSAGE_RECEIVED"));
    const body = (await response.json()) as { warnings: { warningCode: string }[] };
    expect(body.warnings.map((warning) => warning.warningCode)).toEqual(["STOP_SUSPECTED"]);
  });

  it("answers 401 without valid credentials and changes nothing", async () => {
    for (const authorization of [
      null,
      basic("ingest", "wrong"),
      basic("nobody", "s3cret-pass"),
      "Bearer x",
    ]) {
      const response = await post(seedBody("+14155557102"), authorization);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { errorCode: string }[] };
      expect(body.errors[0].errorCode).toBe("UNAUTHENTICATED");
    }
    expect(await flagsOf(server, org, "+14155557102")).toBeNull();
  });

  it("answers 400 with the description in errors for malformed or invalid bodies", async () => {
    const cases: [unknown, RegExp][] = [
      ['{"event": "STOP_MESSAGE_RECEIVED", ', /not valid JSON/],
      [{ ...seedBody("+14155557103"), event: "PLEASE_STOP" }, /input.event/],
      [{ ...seedBody("+14155557103"), communicationAttributesList: [] }, /communication attribute/],
      [seedBody("not a phone"), /not a valid phone number/],
    ];
    for (const [body, description] of cases) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as {
        errors: { errorDescription: string; errorUID: string }[];
      };
      expect(answer.errors[0].errorDescription).toMatch(description);
      expect(answer.errors[0].errorUID).toBeTruthy();
    }
    const badDepartment = await post(seedBody("+14155557103"), undefined, "not-a-uuid");
    expect(badDepartment.status).toBe(400);
    expect(await flagsOf(server, org, "+14155557103")).toBeNull();
  });
});
