import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

let server: TestServer;
let org: TestOrganization;

interface Page {
  contacts: {
    totalCount: number;
    nodes: { name: string }[];
    edges: { cursor: string }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string;
      endCursor: string;
    };
  };
}
const PAGE = `totalCount nodes { name } edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  const { contacts } = server.app.services;
  for (let index = 0; index < 25; index += 1) {
    await contacts.import(org.id, {
      type: "CUSTOM",
      name: `Custom ${String(index).padStart(2, "0")}`,
    });
  }
  await contacts.import(org.id, {
    type: "USER",
    name: "Joe Johnson",
    userName: "joej",
    firstName: "Joe",
    lastName: "Johnson",
    employeeId: "E1",
  });
  await contacts.import(org.id, {
    type: "USER",
    name: "Joe Smith",
    userName: "joes",
    firstName: "Joe",
    lastName: "Smith",
    employeeId: "E2",
  });
  await contacts.import(org.id, {
    type: "QUEUE",
    name: "Front Desk",
    phoneNumber: "+14155550100",
    email: "desk@clinic.example",
  });
});
afterAll(() => server.stop());

const list = (variables: Record<string, unknown>) =>
  server.gql<Page>(
    org.tokens.agent,
    `query ($filter: ContactFilter, $first: Int, $after: String, $last: Int, $before: String) {
       contacts(filter: $filter, first: $first, after: $after, last: $last, before: $before) { ${PAGE} } }`,
    variables,
  );

describe("Query.contacts", () => {
  it("pages forward with cursors, 20 by default, without duplicates or gaps", async () => {
    const first = dataOf(await list({})).contacts;
    expect(first.nodes).toHaveLength(20);
    expect(first.totalCount).toBe(28);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = dataOf(await list({ after: first.pageInfo.endCursor })).contacts;
    expect(second.nodes).toHaveLength(8);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const names = [...first.nodes, ...second.nodes].map((node) => node.name);
    expect(new Set(names).size).toBe(28);
    expect(names.slice(0, 25)).toEqual(
      Array.from({ length: 25 }, (_, i) => `Custom ${String(i).padStart(2, "0")}`),
    );
  });

  it("pages backward with last/before", async () => {
    const tail = dataOf(await list({ last: 3 })).contacts;
    expect(tail.nodes.map((node) => node.name)).toEqual(["Joe Johnson", "Joe Smith", "Front Desk"]);
    expect(tail.pageInfo.hasPreviousPage).toBe(true);
    const before = dataOf(await list({ last: 2, before: tail.pageInfo.startCursor })).contacts;
    expect(before.nodes.map((node) => node.name)).toEqual(["Custom 23", "Custom 24"]);
    expect(before.pageInfo.hasNextPage).toBe(true);
  });

  it("keeps a cursor stable when rows are inserted", async () => {
    const first = dataOf(await list({ first: 5 })).contacts;
    const extra = await server.app.services.contacts.import(org.id, {
      type: "CUSTOM",
      name: "Late arrival",
    });
    const next = dataOf(await list({ first: 5, after: first.pageInfo.endCursor })).contacts;
    expect(next.nodes.map((node) => node.name)).toEqual([
      "Custom 05",
      "Custom 06",
      "Custom 07",
      "Custom 08",
      "Custom 09",
    ]);
    await server.gql(org.tokens.admin, `mutation ($id: ID!) { deleteContact(id: $id) }`, {
      id: extra.id,
    });
  });

  it("combines every given filter with AND, ignoring case in text", async () => {
    const joes = dataOf(await list({ filter: { firstName: "joe" } })).contacts;
    expect(joes.totalCount).toBe(2);
    const joeJohnson = dataOf(
      await list({ filter: { firstName: "Joe", lastName: "Johnson", userName: "joej" } }),
    ).contacts;
    expect(joeJohnson.nodes.map((node) => node.name)).toEqual(["Joe Johnson"]);
    const none = dataOf(await list({ filter: { firstName: "Joe", employeeId: "E3" } })).contacts;
    expect(none.totalCount).toBe(0);
    const users = dataOf(await list({ filter: { type: "USER" } })).contacts;
    expect(users.totalCount).toBe(2);
    const byPhone = dataOf(
      await list({ filter: { phoneNumber: "(415) 555-0100", type: "QUEUE" } }),
    ).contacts;
    expect(byPhone.nodes.map((node) => node.name)).toEqual(["Front Desk"]);
    const byEmail = dataOf(await list({ filter: { email: "DESK@clinic.example" } })).contacts;
    expect(byEmail.totalCount).toBe(1);
    const byName = dataOf(await list({ filter: { name: "front desk" } })).contacts;
    expect(byName.totalCount).toBe(1);
  });

  it("refuses a page size over 100 and a cursor it did not issue, naming the argument", async () => {
    const tooMany = await list({ first: 101 });
    expect(tooMany.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "first",
    });
    const negative = await list({ last: -1 });
    expect(negative.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "last",
    });
    const forged = await list({ after: "bm90LWEtY3Vyc29y" });
    expect(forged.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("answers 100 rows when asked for 100", async () => {
    const page = dataOf(await list({ first: 100 })).contacts;
    expect(page.nodes).toHaveLength(28);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });
});
