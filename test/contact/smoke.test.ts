import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("smoke", () => {
  it("creates and lists a contact", async () => {
    const org = await server.createOrganization();
    const created = await server.gql(
      org.tokens.admin,
      `mutation { createContact(input: { name: "A", phoneNumber: "(415) 555-2671" }) { id phoneNumber } }`,
    );
    expect(dataOf(created)).toMatchObject({ createContact: { phoneNumber: "+14155552671" } });
    const listed = await server.gql(org.tokens.agent, `{ contacts { totalCount nodes { name } } }`);
    expect(dataOf(listed)).toEqual({ contacts: { totalCount: 1, nodes: [{ name: "A" }] } });
  });
});
