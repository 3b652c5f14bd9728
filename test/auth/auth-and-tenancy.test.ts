import { createSecretKey, generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";

let server: TestServer;
let alpha: TestOrganization;
let beta: TestOrganization;
let alphaContactId: string;
let alphaPreferenceId: string;

beforeAll(async () => {
  server = await startTestServer();
  alpha = await server.createOrganization({ name: "Alpha clinic" });
  beta = await server.createOrganization({ name: "Beta clinic" });
  const contact = await server.gql<{ createContact: { id: string } }>(
    alpha.tokens.admin,
    `mutation { createContact(input: { name: "Alpha patient", phoneNumber: "+14155558000", email: "alpha@example.org" }) { id } }`,
  );
  alphaContactId = dataOf(contact).createContact.id;
  const preference = await server.gql<{ createContactPreference: { id: string } }>(
    alpha.tokens.admin,
    `mutation { createContactPreference(input: { contact: "+14155558000", doNotText: true }) { id } }`,
  );
  alphaPreferenceId = dataOf(preference).createContactPreference.id;
});
afterAll(() => server.stop());

describe("authentication", () => {
  it("answers { __typename } without a token", async () => {
    expect(dataOf(await server.gql(null, `{ __typename }`))).toEqual({ __typename: "Query" });
  });

  it("answers UNAUTHENTICATED for every field without a token", async () => {
    for (const query of [
      `{ contacts { totalCount } }`,
      `{ contactPreferences { totalCount } }`,
      `mutation { createContact(input: { name: "x" }) { id } }`,
    ]) {
      expect(errorCodes(await server.gql(null, query))).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("answers UNAUTHENTICATED for a malformed, forged or expired token", async () => {
    const forged = await new SignJWT({ org: alpha.id, roles: ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("intruder")
      .setExpirationTime("1h")
      .sign(createSecretKey(Buffer.from("a-different-secret-of-32-characters!!")));
    const expired = await server.tokenFor(alpha.callers.admin, Math.floor(Date.now() / 1000) - 60);
    for (const token of ["garbage", forged, expired]) {
      const response = await server.gql(token, `{ contacts { totalCount } }`);
      expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
    }
    const expiredResponse = await server.gql(expired, `{ contacts { totalCount } }`);
    expect(expiredResponse.errors?.[0].message).toMatch(/expired/);
  });

  it("refuses a correctly signed token without an exp claim", async () => {
    const token = await new SignJWT({ org: alpha.id, roles: ["admin"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("forever")
      .sign(createSecretKey(Buffer.from(server.app.jwtSecret!)));
    const response = await server.gql(token, `{ contacts { totalCount } }`);
    expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
    expect(response.errors?.[0].message).toMatch(/exp/);
  });

  it("refuses a token whose roles claim is not a list of known roles", async () => {
    const token = await server.tokenFor({
      ...alpha.callers.admin,
      roles: ["superuser" as "admin"],
    });
    expect(errorCodes(await server.gql(token, `{ contacts { totalCount } }`))).toEqual([
      "UNAUTHENTICATED",
    ]);
  });

  it("refuses a token whose roles claim is empty", async () => {
    const token = await server.tokenFor({ ...alpha.callers.admin, roles: [] });
    const response = await server.gql(token, `{ contacts { totalCount } }`);
    expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
    expect(response.errors?.[0].message).toMatch(/roles/);
  });

  it("refuses a token whose sub is not an individual id", async () => {
    for (const sub of ["demo-admin", "", "0195f0a0-0000-7000-8000-00000000000"]) {
      const token = await server.tokenFor({ ...alpha.callers.admin, individualId: sub });
      const response = await server.gql(token, `{ contacts { totalCount } }`);
      expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
      expect(response.errors?.[0].message).toMatch(/sub/);
    }
  });

  it("refuses a token signed with RS256 when the server expects HS256 (no algorithm confusion)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const token = await new SignJWT({ org: alpha.id, roles: ["admin"] })
      .setProtectedHeader({ alg: "RS256" })
      .setSubject("x")
      .setExpirationTime("1h")
      .sign(privateKey);
    expect(errorCodes(await server.gql(token, `{ contacts { totalCount } }`))).toEqual([
      "UNAUTHENTICATED",
    ]);
  });
});

describe("roles (seed 001: admins write, agents read)", () => {
  it("lets every role read", async () => {
    for (const token of Object.values(alpha.tokens)) {
      expect(
        dataOf(
          await server.gql(token, `{ contacts { totalCount } contactPreferences { totalCount } }`),
        ),
      ).toBeTruthy();
    }
  });

  it("answers FORBIDDEN to agents and services for every write", async () => {
    const writes = [
      `mutation { createContact(input: { name: "x" }) { id } }`,
      `mutation { updateContact(id: "${alphaContactId}", input: { name: "x" }) { id } }`,
      `mutation { deleteContact(id: "${alphaContactId}") }`,
      `mutation { createContactPreference(input: { contact: "+14155558001" }) { id } }`,
      `mutation { replaceContactPreference(id: "${alphaPreferenceId}", input: { contact: "+14155558000" }) { id } }`,
      `mutation { updateContactPreference(id: "${alphaPreferenceId}", input: { doNotText: false }) { id } }`,
      `mutation { deleteContactPreference(id: "${alphaPreferenceId}") }`,
    ];
    for (const token of [alpha.tokens.agent, alpha.tokens.service]) {
      for (const mutation of writes)
        expect(errorCodes(await server.gql(token, mutation)), mutation).toEqual(["FORBIDDEN"]);
    }
    const still = await server.gql<{ contact: { name: string } }>(
      alpha.tokens.agent,
      `{ contact(id: "${alphaContactId}") { name } }`,
    );
    expect(dataOf(still).contact.name).toBe("Alpha patient");
  });
});

describe("tenancy: two organizations", () => {
  it("never shows one organization's rows to another", async () => {
    const lists = await server.gql<{
      contacts: { totalCount: number };
      contactPreferences: { totalCount: number };
    }>(beta.tokens.admin, `{ contacts { totalCount } contactPreferences { totalCount } }`);
    expect(dataOf(lists)).toEqual({
      contacts: { totalCount: 0 },
      contactPreferences: { totalCount: 0 },
    });
    const reads = await server.gql<Record<string, null>>(
      beta.tokens.admin,
      `{ contact(id: "${alphaContactId}") { id } contactPreference(id: "${alphaPreferenceId}") { id }
         contactByPhoneNumber(phoneNumber: "+14155558000") { id } contactPreferenceFor(contact: "+14155558000") { id } }`,
    );
    expect(dataOf(reads)).toEqual({
      contact: null,
      contactPreference: null,
      contactByPhoneNumber: null,
      contactPreferenceFor: null,
    });
  });

  it("answers NOT_FOUND for a foreign id, exactly as for a missing one, and changes nothing", async () => {
    const missing = "0195f0a0-0000-7000-8000-00000000beef";
    for (const id of [alphaContactId, missing]) {
      const update = await server.gql(
        beta.tokens.admin,
        `mutation { updateContact(id: "${id}", input: { name: "hijack" }) { id } }`,
      );
      const remove = await server.gql(beta.tokens.admin, `mutation { deleteContact(id: "${id}") }`);
      expect([errorCodes(update), errorCodes(remove)]).toEqual([["NOT_FOUND"], ["NOT_FOUND"]]);
    }
    for (const id of [alphaPreferenceId, missing]) {
      const update = await server.gql(
        beta.tokens.admin,
        `mutation { updateContactPreference(id: "${id}", input: { doNotText: false }) { id } }`,
      );
      const replace = await server.gql(
        beta.tokens.admin,
        `mutation { replaceContactPreference(id: "${id}", input: { contact: "+14155558000" }) { id } }`,
      );
      const remove = await server.gql(
        beta.tokens.admin,
        `mutation { deleteContactPreference(id: "${id}") }`,
      );
      expect([errorCodes(update), errorCodes(replace), errorCodes(remove)]).toEqual([
        ["NOT_FOUND"],
        ["NOT_FOUND"],
        ["NOT_FOUND"],
      ]);
    }
    const alphaView = await server.gql<{
      contact: { name: string };
      contactPreference: { doNotText: boolean };
    }>(
      alpha.tokens.agent,
      `{ contact(id: "${alphaContactId}") { name } contactPreference(id: "${alphaPreferenceId}") { doNotText } }`,
    );
    expect(dataOf(alphaView)).toEqual({
      contact: { name: "Alpha patient" },
      contactPreference: { doNotText: true },
    });
  });

  it("lets two organizations hold the same number and preference value independently", async () => {
    const contact = await server.gql(
      beta.tokens.admin,
      `mutation { createContact(input: { name: "Beta patient", phoneNumber: "+14155558000" }) { id } }`,
    );
    const preference = await server.gql<{ createContactPreference: { doNotText: boolean } }>(
      beta.tokens.admin,
      `mutation { createContactPreference(input: { contact: "+14155558000" }) { doNotText } }`,
    );
    expect(dataOf(contact)).toBeTruthy();
    expect(dataOf(preference).createContactPreference.doNotText).toBe(false);
    const alphaPreference = await server.gql<{ contactPreferenceFor: { doNotText: boolean } }>(
      alpha.tokens.agent,
      `{ contactPreferenceFor(contact: "+14155558000") { doNotText } }`,
    );
    expect(dataOf(alphaPreference).contactPreferenceFor.doNotText).toBe(true);
  });
});

describe("a token's organization", () => {
  it("must exist: a write under a well-signed token for an organization of nothing is UNAUTHENTICATED", async () => {
    const token = await server.tokenFor({
      individualId: newId(),
      organizationId: newId(),
      roles: ["admin"],
    });
    const write = await server.gql(
      token,
      `mutation { createTextAccount(input: { allowCustomNumber: false }) { id } }`,
    );
    expect(errorCodes(write)).toEqual(["UNAUTHENTICATED"]);
    expect(write.errors?.[0].message).toMatch(/organization does not exist/);
  });
});
