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
let org: TestOrganization;
let otherOrg: TestOrganization;

const FIELDS = `id firstName lastName preferredName birthDate accountType email phoneNumber
  phoneNumberFormatted phoneNumberUnsubscribed timeZone`;
const CREATE = `mutation ($input: CreateIndividualInput!) { createIndividual(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateIndividualInput!) { updateIndividual(id: $id, input: $input) { ${FIELDS} } }`;
const READ = `query ($id: ID!) { individual(id: $id) { ${FIELDS} } }`;
const GROUP_FIELDS = `id name parentGroup { id name } individuals { id firstName } leaders { id }`;
const CREATE_GROUP = `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { ${GROUP_FIELDS} } }`;
const UPDATE_GROUP = `mutation ($id: ID!, $input: UpdateIndividualGroupInput!) { updateIndividualGroup(id: $id, input: $input) { ${GROUP_FIELDS} } }`;

interface Individual {
  id: string;
  firstName: string | null;
  phoneNumber: string | null;
  phoneNumberFormatted: string | null;
  phoneNumberUnsubscribed: boolean;
  timeZone: string | null;
  birthDate: string | null;
  email: string | null;
}

async function createIndividual(input: Record<string, unknown>, token = org.tokens.admin) {
  return dataOf(await server.gql<{ createIndividual: Individual }>(token, CREATE, { input }))
    .createIndividual;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization({ defaultRegion: "DK" });
  otherOrg = await server.createOrganization();
});

afterAll(async () => {
  await server?.stop();
});

describe("Mutation.createIndividual", () => {
  it("stores the phone number in E.164 with a national rendering and an IANA time zone", async () => {
    const individual = await createIndividual({
      firstName: " Ada ",
      lastName: "Lovelace",
      birthDate: "1815-12-10",
      email: "Ada@Example.org",
      phoneNumber: "71 99 99 99",
      timeZone: "Europe/Copenhagen",
      accountType: "patient",
    });
    expect(individual).toMatchObject({
      firstName: "Ada",
      phoneNumber: "+4571999999",
      phoneNumberFormatted: "71 99 99 99",
      phoneNumberUnsubscribed: false,
      timeZone: "Europe/Copenhagen",
      birthDate: "1815-12-10",
      email: "ada@example.org",
    });
  });

  it("refuses a bad phone number, time zone or birth date naming the field", async () => {
    for (const [input, field] of [
      [{ phoneNumber: "12" }, "input.phoneNumber"],
      [{ timeZone: "Mars/Olympus" }, "input.timeZone"],
      [{ birthDate: "2019-02-30" }, "input.birthDate"],
    ] as const) {
      const response = await server.gql(org.tokens.admin, CREATE, { input });
      expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
      expect(response.errors?.[0].extensions?.field).toBe(field);
    }
  });
});

describe("Individual.phoneNumberUnsubscribed", () => {
  it("follows the consent preference's doNotText for the number", async () => {
    const individual = await createIndividual({ firstName: "Bo", phoneNumber: "+4520202020" });
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation ($input: ContactPreferenceInput!) { createContactPreference(input: $input) { id } }`,
        { input: { contact: "+45 20 20 20 20", doNotText: true } },
      ),
    );
    const read = dataOf(
      await server.gql<{ individual: Individual }>(org.tokens.agent, READ, { id: individual.id }),
    );
    expect(read.individual.phoneNumberUnsubscribed).toBe(true);
  });
});

describe("Mutation.updateIndividual", () => {
  it("changes only the given fields and clears with null", async () => {
    const individual = await createIndividual({ firstName: "Cy", phoneNumber: "+4530303030" });
    const { updateIndividual } = dataOf(
      await server.gql<{ updateIndividual: Individual }>(org.tokens.admin, UPDATE, {
        id: individual.id,
        input: { phoneNumber: null, timeZone: "America/New_York" },
      }),
    );
    expect(updateIndividual).toMatchObject({
      firstName: "Cy",
      phoneNumber: null,
      phoneNumberFormatted: null,
      timeZone: "America/New_York",
    });
  });

  it("answers NOT_FOUND for another organization's individual", async () => {
    const individual = await createIndividual({ firstName: "Di" });
    const response = await server.gql(otherOrg.tokens.admin, UPDATE, {
      id: individual.id,
      input: { firstName: "X" },
    });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    const read = await server.gql<{ individual: Individual | null }>(otherOrg.tokens.admin, READ, {
      id: individual.id,
    });
    expect(read.data?.individual).toBeNull();
  });
});

describe("Query.individuals", () => {
  it("filters by name text and group, and pages without gaps", async () => {
    const names = ["Zed1", "Zed2", "Zed3"];
    const created = [];
    for (const firstName of names) created.push(await createIndividual({ firstName }));
    const group = dataOf(
      await server.gql<{ createIndividualGroup: { id: string } }>(org.tokens.admin, CREATE_GROUP, {
        input: { name: "Zeds", individualIds: [created[0].id, created[2].id] },
      }),
    ).createIndividualGroup;
    const LIST = `query ($filter: IndividualFilter, $first: Int, $after: String) {
      individuals(filter: $filter, first: $first, after: $after) {
        totalCount nodes { firstName } pageInfo { hasNextPage endCursor } } }`;
    type List = {
      individuals: {
        totalCount: number;
        nodes: { firstName: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = dataOf(
      await server.gql<List>(org.tokens.agent, LIST, { filter: { text: "zed" }, first: 2 }),
    ).individuals;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((node) => node.firstName)).toEqual(["Zed1", "Zed2"]);
    const second = dataOf(
      await server.gql<List>(org.tokens.agent, LIST, {
        filter: { text: "zed" },
        first: 2,
        after: first.pageInfo.endCursor,
      }),
    ).individuals;
    expect(second.nodes.map((node) => node.firstName)).toEqual(["Zed3"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const inGroup = dataOf(
      await server.gql<List>(org.tokens.agent, LIST, { filter: { individualGroupId: group.id } }),
    ).individuals;
    expect(inGroup.nodes.map((node) => node.firstName)).toEqual(["Zed1", "Zed3"]);
    const other = dataOf(await server.gql<List>(otherOrg.tokens.agent, LIST, {})).individuals;
    expect(other.totalCount).toBe(0);
  });
});

describe("Mutation.createIndividualGroup", () => {
  it("stores members, leaders (also members) and a parent group", async () => {
    const a = await createIndividual({ firstName: "Lead" });
    const b = await createIndividual({ firstName: "Member" });
    type Group = {
      id: string;
      name: string;
      parentGroup: { id: string } | null;
      individuals: { id: string }[];
      leaders: { id: string }[];
    };
    const parent = dataOf(
      await server.gql<{ createIndividualGroup: Group }>(org.tokens.admin, CREATE_GROUP, {
        input: { name: "Clinic" },
      }),
    ).createIndividualGroup;
    const group = dataOf(
      await server.gql<{ createIndividualGroup: Group }>(org.tokens.admin, CREATE_GROUP, {
        input: { name: "Team", parentGroupId: parent.id, individualIds: [b.id], leaderIds: [a.id] },
      }),
    ).createIndividualGroup;
    expect(group.parentGroup?.id).toBe(parent.id);
    expect(group.individuals.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(group.leaders.map((i) => i.id)).toEqual([a.id]);

    const updated = dataOf(
      await server.gql<{ updateIndividualGroup: Group }>(org.tokens.admin, UPDATE_GROUP, {
        id: group.id,
        input: { name: "Team B", leaderIds: [b.id] },
      }),
    ).updateIndividualGroup;
    expect(updated.name).toBe("Team B");
    expect(updated.leaders.map((i) => i.id)).toEqual([b.id]);
    expect(updated.individuals).toHaveLength(2);

    const cycle = await server.gql(org.tokens.admin, UPDATE_GROUP, {
      id: parent.id,
      input: { parentGroupId: group.id },
    });
    expect(errorCodes(cycle)).toEqual(["BAD_USER_INPUT"]);
    const { individualGroups } = dataOf(
      await server.gql<{ individualGroups: { totalCount: number } }>(
        org.tokens.agent,
        `{ individualGroups { totalCount } }`,
      ),
    );
    expect(individualGroups.totalCount).toBeGreaterThanOrEqual(2);
  });

  it("refuses another organization's individual as a member with NOT_FOUND", async () => {
    const foreign = dataOf(
      await server.gql<{ createIndividual: Individual }>(otherOrg.tokens.admin, CREATE, {
        input: { firstName: "Foreign" },
      }),
    ).createIndividual;
    const response = await server.gql(org.tokens.admin, CREATE_GROUP, {
      input: { name: "Bad", individualIds: [foreign.id, newId()] },
    });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
  });
});
