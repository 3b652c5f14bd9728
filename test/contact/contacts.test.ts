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

const CONTACT_FIELDS = `id type name phoneNumber phoneNumberFormatted email country userName firstName lastName employeeId createdAt updatedAt`;

async function createContact(input: Record<string, unknown>, token = org.tokens.admin) {
  return server.gql<{ createContact: Record<string, string> }>(
    token,
    `mutation ($input: CreateContactInput!) { createContact(input: $input) { ${CONTACT_FIELDS} } }`,
    { input },
  );
}

describe("Mutation.createContact", () => {
  it("stores the phone number in E.164 with a national rendering and lower-cases the email", async () => {
    const response = await createContact({
      name: "Relatel A/S",
      phoneNumber: "71 99 99 99",
      country: "dk",
      email: "KundeService@Relatel.DK",
    });
    expect(dataOf(response).createContact).toMatchObject({
      type: "CUSTOM",
      name: "Relatel A/S",
      phoneNumber: "+4571999999",
      phoneNumberFormatted: "71 99 99 99",
      email: "kundeservice@relatel.dk",
      country: "DK",
    });
  });

  it("reads a national number in the organization's region when the contact has no country", async () => {
    const response = await createContact({ name: "Pharmacy", phoneNumber: "(415) 555-2671" });
    expect(dataOf(response).createContact).toMatchObject({
      phoneNumber: "+14155552671",
      phoneNumberFormatted: "(415) 555-2671",
    });
  });

  it("refuses QUEUE and USER contacts with FORBIDDEN", async () => {
    for (const type of ["QUEUE", "USER"]) {
      const response = await createContact({ name: "Nope", type });
      expect(errorCodes(response)).toEqual(["FORBIDDEN"]);
    }
  });

  it("refuses a second contact with the same number as CONFLICT, in any format", async () => {
    dataOf(await createContact({ name: "First", phoneNumber: "+1 415 555 0199" }));
    const response = await createContact({ name: "Second", phoneNumber: "415.555.0199" });
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
  });

  it("names the field of a bad input and writes nothing", async () => {
    const before = dataOf(
      await server.gql<{ contacts: { totalCount: number } }>(
        org.tokens.admin,
        `{ contacts { totalCount } }`,
      ),
    );
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x".repeat(256) }, "input.name"],
      [{ name: "   " }, "input.name"],
      [{ name: "Bad phone", phoneNumber: "12" }, "input.phoneNumber"],
      [{ name: "Bad email", email: "not-an-email" }, "input.email"],
      [{ name: "Bad country", country: "Atlantis" }, "input.country"],
    ];
    for (const [input, field] of cases) {
      const response = await createContact(input);
      expect(response.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const after = dataOf(
      await server.gql<{ contacts: { totalCount: number } }>(
        org.tokens.admin,
        `{ contacts { totalCount } }`,
      ),
    );
    expect(after.contacts.totalCount).toBe(before.contacts.totalCount);
  });

  it("accepts a name of exactly 255 characters", async () => {
    const response = await createContact({ name: "n".repeat(255) });
    expect(dataOf(response).createContact.name).toHaveLength(255);
  });

  it("is refused to agents and services with FORBIDDEN", async () => {
    expect(errorCodes(await createContact({ name: "A" }, org.tokens.agent))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await createContact({ name: "S" }, org.tokens.service))).toEqual([
      "FORBIDDEN",
    ]);
  });
});

describe("Mutation.updateContact", () => {
  const update = (id: string, input: Record<string, unknown>, token = org.tokens.admin) =>
    server.gql<{ updateContact: Record<string, string | null> }>(
      token,
      `mutation ($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ${CONTACT_FIELDS} } }`,
      { id, input },
    );

  it("changes the given fields only and clears a field set to null", async () => {
    const created = dataOf(
      await createContact({ name: "Before", phoneNumber: "+14155550111", email: "a@b.org" }),
    );
    const response = await update(created.createContact.id, { name: "After", email: null });
    expect(dataOf(response).updateContact).toMatchObject({
      name: "After",
      phoneNumber: "+14155550111",
      email: null,
    });
  });

  it("keeps QUEUE and USER contacts read-only (FORBIDDEN) and unchanged", async () => {
    for (const type of ["QUEUE", "USER"] as const) {
      const imported = await server.app.services.contacts.import(org.id, {
        type,
        name: `${type} contact`,
      });
      const response = await update(imported.id, { name: "Changed" });
      expect(errorCodes(response)).toEqual(["FORBIDDEN"]);
      const read = await server.gql<{ contact: { name: string } }>(
        org.tokens.agent,
        `query ($id: ID!) { contact(id: $id) { name } }`,
        { id: imported.id },
      );
      expect(dataOf(read).contact.name).toBe(`${type} contact`);
    }
  });

  it("answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one", async () => {
    expect(errorCodes(await update("0195f0a0-0000-7000-8000-00000000dead", { name: "X" }))).toEqual(
      ["NOT_FOUND"],
    );
    const malformed = await update("not-a-uuid", { name: "X" });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
  });

  it("refuses a null name", async () => {
    const created = dataOf(await createContact({ name: "Named" }));
    const response = await update(created.createContact.id, { name: null });
    expect(response.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.name",
    });
  });
});

describe("Mutation.deleteContact", () => {
  const remove = (id: string, token = org.tokens.admin) =>
    server.gql<{ deleteContact: string }>(token, `mutation ($id: ID!) { deleteContact(id: $id) }`, {
      id,
    });

  it("deletes a CUSTOM contact and answers its id", async () => {
    const created = dataOf(await createContact({ name: "Temporary" }));
    const id = created.createContact.id;
    expect(dataOf(await remove(id)).deleteContact).toBe(id);
    const read = await server.gql<{ contact: null }>(
      org.tokens.admin,
      `query ($id: ID!) { contact(id: $id) { id } }`,
      { id },
    );
    expect(dataOf(read).contact).toBeNull();
    expect(errorCodes(await remove(id))).toEqual(["NOT_FOUND"]);
  });

  it("refuses to delete a QUEUE contact", async () => {
    const queue = await server.app.services.contacts.import(org.id, {
      type: "QUEUE",
      name: "Queue to keep",
    });
    expect(errorCodes(await remove(queue.id))).toEqual(["FORBIDDEN"]);
  });

  it("is refused to agents", async () => {
    const created = dataOf(await createContact({ name: "Kept" }));
    expect(errorCodes(await remove(created.createContact.id, org.tokens.agent))).toEqual([
      "FORBIDDEN",
    ]);
  });
});

describe("Query.contactByPhoneNumber", () => {
  it("finds the contact from any common format", async () => {
    const local = await server.createOrganization({ defaultRegion: "DK" });
    dataOf(
      await createContact({ name: "Relatel A/S", phoneNumber: "4571999999" }, local.tokens.admin),
    );
    for (const phoneNumber of [
      "+4571999999",
      "4571999999",
      "71 99 99 99",
      "+45 71-99-99-99",
      "(+45) 7199 9999",
    ]) {
      const response = await server.gql<{ contactByPhoneNumber: { name: string } | null }>(
        local.tokens.agent,
        `query ($phoneNumber: String!) { contactByPhoneNumber(phoneNumber: $phoneNumber) { name } }`,
        { phoneNumber },
      );
      expect(dataOf(response).contactByPhoneNumber?.name, phoneNumber).toBe("Relatel A/S");
    }
  });

  it("answers null for an unknown number and BAD_USER_INPUT for an unparseable one", async () => {
    const unknown = await server.gql<{ contactByPhoneNumber: null }>(
      org.tokens.agent,
      `{ contactByPhoneNumber(phoneNumber: "+14155550999") { id } }`,
    );
    expect(dataOf(unknown).contactByPhoneNumber).toBeNull();
    const bad = await server.gql(
      org.tokens.agent,
      `{ contactByPhoneNumber(phoneNumber: "call me") { id } }`,
    );
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "phoneNumber",
    });
  });
});

describe("Query.contact", () => {
  it("reads a contact by id for every role", async () => {
    const created = dataOf(await createContact({ name: "Readable" }));
    for (const token of Object.values(org.tokens)) {
      const response = await server.gql<{ contact: { name: string } }>(
        token,
        `query ($id: ID!) { contact(id: $id) { name } }`,
        { id: created.createContact.id },
      );
      expect(dataOf(response).contact.name).toBe("Readable");
    }
  });
});
