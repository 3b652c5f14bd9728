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
let contactId: string;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  const created = await server.gql<{ createContact: { id: string } }>(
    org.tokens.admin,
    `mutation { createContact(input: { name: "Federated" }) { id } }`,
  );
  contactId = dataOf(created).createContact.id;
});
afterAll(() => server.stop());

describe("Apollo Federation 2 subgraph", () => {
  it("publishes its SDL through _service with @key on Contact", async () => {
    const response = await server.gql<{ _service: { sdl: string } }>(null, `{ _service { sdl } }`);
    const { sdl } = dataOf(response)._service;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs.apollo.dev\/federation\/v2/);
    expect(sdl).toMatch(/type Contact\s+@key\(fields: "id"\)/);
  });

  it("resolves Contact entities through _entities for an authenticated caller of the same organization", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contact { id name } } }`;
    const representations = [{ __typename: "Contact", id: contactId }];
    const own = await server.gql<{ _entities: { id: string; name: string }[] }>(
      org.tokens.agent,
      query,
      { representations },
    );
    expect(dataOf(own)._entities).toEqual([{ id: contactId, name: "Federated" }]);
    const other = await server.createOrganization();
    const foreign = await server.gql<{ _entities: (null | object)[] }>(other.tokens.agent, query, {
      representations,
    });
    expect(dataOf(foreign)._entities).toEqual([null]);
    expect(errorCodes(await server.gql(null, query, { representations }))).toEqual([
      "UNAUTHENTICATED",
    ]);
  });
});
