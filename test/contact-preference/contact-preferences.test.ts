import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  org = await server.createOrganization({ defaultRegion: "US" });
});
afterAll(() => server.stop());

const FIELDS = `id legacyId nextgenLegacyId contact reason country doNotText doNotCall doNotEmail createdAt updatedAt`;
type Preference = Record<string, string | boolean | null>;

const create = (input: Record<string, unknown>, token = org.tokens.admin) =>
  server.gql<{ createContactPreference: Preference }>(
    token,
    `mutation ($input: ContactPreferenceInput!) { createContactPreference(input: $input) { ${FIELDS} } }`,
    { input },
  );
const replace = (id: string, input: Record<string, unknown>, token = org.tokens.admin) =>
  server.gql<{ replaceContactPreference: Preference }>(
    token,
    `mutation ($id: ID!, $input: ContactPreferenceInput!) { replaceContactPreference(id: $id, input: $input) { ${FIELDS} } }`,
    { id, input },
  );
const patch = (id: string, input: Record<string, unknown>, token = org.tokens.admin) =>
  server.gql<{ updateContactPreference: Preference }>(
    token,
    `mutation ($id: ID!, $input: ContactPreferencePatch!) { updateContactPreference(id: $id, input: $input) { ${FIELDS} } }`,
    { id, input },
  );

describe("Mutation.createContactPreference", () => {
  it("normalizes a phone number to E.164 and defaults every flag to false", async () => {
    const created = dataOf(
      await create({ contact: "(415) 555-7000", reason: "new patient" }),
    ).createContactPreference;
    expect(created).toMatchObject({
      contact: "+14155557000",
      reason: "new patient",
      doNotText: false,
      doNotCall: false,
      doNotEmail: false,
    });
    expect(created.createdAt).toBeTruthy();
  });

  it("reads a national number in the preference's own country", async () => {
    const created = dataOf(
      await create({ contact: "71 99 99 99", country: "DK", doNotCall: true }),
    ).createContactPreference;
    expect(created).toMatchObject({ contact: "+4571999999", country: "DK", doNotCall: true });
  });

  it("lower-cases an email", async () => {
    const created = dataOf(
      await create({ contact: "  Jane.Doe@Example.ORG " }),
    ).createContactPreference;
    expect(created.contact).toBe("jane.doe@example.org");
  });

  it("keeps one preference per value: another format of the same number is a CONFLICT", async () => {
    dataOf(await create({ contact: "+1 415 555 7001" }));
    const duplicate = await create({ contact: "415-555-7001" });
    expect(duplicate.errors?.[0].extensions).toMatchObject({
      code: "CONFLICT",
      field: "input.contact",
    });
  });

  it("enforces contact ≤255 and country ≤255 and refuses unparseable values, writing nothing", async () => {
    const count = async () =>
      dataOf(
        await server.gql<{ contactPreferences: { totalCount: number } }>(
          org.tokens.agent,
          `{ contactPreferences { totalCount } }`,
        ),
      ).contactPreferences.totalCount;
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ contact: `${"a".repeat(250)}@example.org` }, "input.contact"],
      [{ contact: "+14155557002", country: "c".repeat(256) }, "input.country"],
      [{ contact: "not a number" }, "input.contact"],
      [{ contact: "" }, "input.contact"],
      [{ contact: "someone@" }, "input.contact"],
    ];
    for (const [input, field] of cases) {
      const response = await create(input);
      expect(response.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({
        code: "BAD_USER_INPUT",
        field,
      });
    }
    expect(await count()).toBe(before);
  });

  it("is for admins only", async () => {
    expect(errorCodes(await create({ contact: "+14155557003" }, org.tokens.agent))).toEqual([
      "FORBIDDEN",
    ]);
  });
});

describe("Mutation.replaceContactPreference (PUT)", () => {
  it("replaces every field: omitted ones go back to null or false", async () => {
    const created = dataOf(
      await create({
        contact: "+14155557010",
        reason: "asked",
        legacyId: "L-1",
        doNotText: true,
        doNotEmail: true,
      }),
    ).createContactPreference;
    const replaced = dataOf(
      await replace(created.id as string, { contact: "+14155557010", doNotCall: true }),
    ).replaceContactPreference;
    expect(replaced).toMatchObject({
      id: created.id,
      contact: "+14155557010",
      reason: null,
      legacyId: null,
      doNotText: false,
      doNotCall: true,
      doNotEmail: false,
    });
  });

  it("answers NOT_FOUND for an id that does not exist", async () => {
    const response = await replace("0195f0a0-0000-7000-8000-0000000000ff", {
      contact: "+14155557011",
    });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
  });
});

describe("Mutation.updateContactPreference (PATCH)", () => {
  it("changes only the fields given", async () => {
    const created = dataOf(
      await create({ contact: "+14155557020", reason: "kept", doNotEmail: true }),
    ).createContactPreference;
    const patched = dataOf(
      await patch(created.id as string, { doNotText: true }),
    ).updateContactPreference;
    expect(patched).toMatchObject({
      reason: "kept",
      doNotEmail: true,
      doNotText: true,
      doNotCall: false,
    });
    expect(new Date(patched.updatedAt as string).getTime()).toBeGreaterThanOrEqual(
      new Date(created.updatedAt as string).getTime(),
    );
  });

  it("clears a nullable field set to null but refuses null for a flag", async () => {
    const created = dataOf(
      await create({ contact: "+14155557021", reason: "temporary" }),
    ).createContactPreference;
    expect(
      dataOf(await patch(created.id as string, { reason: null })).updateContactPreference.reason,
    ).toBeNull();
    const response = await patch(created.id as string, { doNotText: null });
    expect(response.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.doNotText",
    });
  });

  it("normalizes a changed contact value", async () => {
    const created = dataOf(await create({ contact: "+14155557022" })).createContactPreference;
    const patched = dataOf(
      await patch(created.id as string, { contact: "(415) 555-7023" }),
    ).updateContactPreference;
    expect(patched.contact).toBe("+14155557023");
  });
});

describe("Mutation.deleteContactPreference", () => {
  it("deletes and answers the id; a second delete is NOT_FOUND", async () => {
    const created = dataOf(await create({ contact: "+14155557030" })).createContactPreference;
    const id = created.id as string;
    const deleted = await server.gql<{ deleteContactPreference: string }>(
      org.tokens.admin,
      `mutation ($id: ID!) { deleteContactPreference(id: $id) }`,
      { id },
    );
    expect(dataOf(deleted).deleteContactPreference).toBe(id);
    const again = await server.gql(
      org.tokens.admin,
      `mutation ($id: ID!) { deleteContactPreference(id: $id) }`,
      { id },
    );
    expect(errorCodes(again)).toEqual(["NOT_FOUND"]);
  });
});

describe("Query.contactPreference / contactPreferenceFor / contactPreferences", () => {
  it("finds a preference by id, by any format of its value, and by AND-filters", async () => {
    const created = dataOf(
      await create({ contact: "+14155557040", country: "US", doNotText: true, reason: "STOP" }),
    ).createContactPreference;
    const byId = await server.gql<{ contactPreference: Preference }>(
      org.tokens.agent,
      `query ($id: ID!) { contactPreference(id: $id) { contact } }`,
      { id: created.id },
    );
    expect(dataOf(byId).contactPreference.contact).toBe("+14155557040");
    const byValue = await server.gql<{ contactPreferenceFor: Preference }>(
      org.tokens.agent,
      `{ contactPreferenceFor(contact: "(415) 555-7040") { id } }`,
    );
    expect(dataOf(byValue).contactPreferenceFor.id).toBe(created.id);
    const filtered = await server.gql<{ contactPreferences: { nodes: Preference[] } }>(
      org.tokens.agent,
      `query ($filter: ContactPreferenceFilter) { contactPreferences(filter: $filter) { nodes { id } } }`,
      { filter: { doNotText: true, reason: "STOP", country: "US", contact: "415 555 7040" } },
    );
    expect(dataOf(filtered).contactPreferences.nodes).toEqual([{ id: created.id }]);
    const none = await server.gql<{ contactPreferences: { nodes: Preference[] } }>(
      org.tokens.agent,
      `query ($filter: ContactPreferenceFilter) { contactPreferences(filter: $filter) { nodes { id } } }`,
      { filter: { doNotText: true, doNotCall: true, contact: "415 555 7040" } },
    );
    expect(dataOf(none).contactPreferences.nodes).toEqual([]);
  });

  it("answers null for a value without a preference", async () => {
    const response = await server.gql<{ contactPreferenceFor: null }>(
      org.tokens.agent,
      `{ contactPreferenceFor(contact: "nobody@example.org") { id } }`,
    );
    expect(dataOf(response).contactPreferenceFor).toBeNull();
  });
});
