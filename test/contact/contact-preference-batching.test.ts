import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  const { contacts, contactPreferences } = server.app.services;
  for (let index = 0; index < 100; index += 1) {
    const phoneNumber = `+1415555${String(1000 + index)}`;
    await contacts.import(org.id, {
      type: "CUSTOM",
      name: `Patient ${index}`,
      phoneNumber,
      email: `p${index}@clinic.example`,
    });
    await contactPreferences.create(org.callers.admin, {
      contact: index % 2 ? phoneNumber : `p${index}@clinic.example`,
      doNotText: index % 3 === 0,
      doNotCall: false,
      doNotEmail: false,
    });
  }
});
afterAll(() => server.stop());

const QUERY = `query ($first: Int) { contacts(first: $first) { totalCount nodes { name phoneNumber preference { contact doNotText } } } }`;

describe("Contact.preference", () => {
  it("links each contact to the preference for its phone number, else its email", async () => {
    const response = await server.gql<{
      contacts: { nodes: { name: string; preference: { contact: string; doNotText: boolean } }[] };
    }>(org.tokens.agent, QUERY, { first: 4 });
    expect(dataOf(response).contacts.nodes.map((node) => node.preference)).toEqual([
      { contact: "p0@clinic.example", doNotText: true },
      { contact: "+14155551001", doNotText: false },
      { contact: "p2@clinic.example", doNotText: false },
      { contact: "+14155551003", doNotText: true },
    ]);
  });

  it("makes the same number of SQL statements for 100 contacts as for 5", async () => {
    const five = await server.gql(org.tokens.agent, QUERY, { first: 5 });
    const hundred = await server.gql<{ contacts: { nodes: unknown[] } }>(org.tokens.agent, QUERY, {
      first: 100,
    });
    expect(dataOf(hundred).contacts.nodes).toHaveLength(100);
    expect(five.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(hundred.extensions?.sqlStatements).toBe(five.extensions?.sqlStatements);
    // page + count + one batched preference lookup
    expect(hundred.extensions).toEqual({ sqlStatements: 3 });
  });
});
