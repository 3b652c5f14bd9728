import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { createTestChannel, createTestIndividual, type TestIndividual } from "./fixtures";

let server: TestServer;
let org: TestOrganization;
let otherOrg: TestOrganization;
let owner: TestIndividual;
let member: TestIndividual;
/** Rows of the other organization, whose ids this organization's callers must not store. */
const foreign = {} as {
  individualId: string;
  groupId: string;
  channelId: string;
  accountId: string;
  numberId: string;
};
let channelId: string;
let accountId: string;
let numberId: string;

const TABLES = [
  "channels",
  "channel_subscribers",
  "video_channels",
  "video_participants",
  "individual_groups",
  "individual_group_members",
  "bulk_messages",
  "messages",
  "texts",
  "text_numbers",
  "text_user_number_maps",
];

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const result = (await server.app.database.db.execute(
      sql.raw(`select count(*)::int as n from ${table}`),
    )) as unknown as { rows: { n: number }[] };
    counts[table] = Number(result.rows[0].n);
  }
  return counts;
}

async function createGroup(token: string, name: string, individualIds: string[] = []) {
  const { createIndividualGroup } = dataOf(
    await server.gql<{ createIndividualGroup: { id: string } }>(
      token,
      `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
      { input: { name, individualIds } },
    ),
  );
  return createIndividualGroup.id;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  otherOrg = await server.createOrganization();
  owner = await createTestIndividual(server, org, { firstName: "Owner" }, ["admin"]);
  member = await createTestIndividual(server, org, { firstName: "Member" });
  channelId = await createTestChannel(server, owner.token, { name: "Here" });
  ({ id: accountId } = (
    await createTextAccountWithNumber(server.app.services, org.callers.admin)
  ).account);
  numberId = (
    await server.app.services.textAccounts.createNumber(org.callers.admin, {
      accountId,
      phoneNumber: "+14155550111",
      capabilitySms: true,
      capabilityMms: false,
      capabilityVoice: false,
      logging: false,
      alert: false,
    })
  ).id;

  const stranger = await createTestIndividual(server, otherOrg, { firstName: "Stranger" }, [
    "admin",
  ]);
  foreign.individualId = stranger.id;
  foreign.groupId = await createGroup(otherOrg.tokens.admin, "Theirs", [stranger.id]);
  foreign.channelId = await createTestChannel(server, stranger.token, { name: "There" });
  const theirs = await createTextAccountWithNumber(
    server.app.services,
    otherOrg.callers.admin,
    "+14155550112",
  );
  foreign.accountId = theirs.account.id;
  foreign.numberId = theirs.number.id;
});
afterAll(() => server.stop());

interface Case {
  name: string;
  field: string;
  token: () => string;
  query: string;
  variables(id: string): Record<string, unknown>;
  /** Which of `foreign`'s ids is the other organization's row of the right kind. */
  foreignId: keyof typeof foreign;
}

const CASES: Case[] = [
  {
    name: "createChannel",
    field: "input.textNumberId",
    token: () => owner.token,
    query: `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
    variables: (id) => ({ input: { name: "SMS line", textNumberId: id } }),
    foreignId: "numberId",
  },
  {
    name: "updateChannel",
    field: "input.textNumberId",
    token: () => owner.token,
    query: `mutation ($id: ID!, $input: UpdateChannelInput!) { updateChannel(id: $id, input: $input) { id } }`,
    variables: (id) => ({ id: channelId, input: { textNumberId: id } }),
    foreignId: "numberId",
  },
  {
    name: "createChannel",
    field: "input.individualGroupId",
    token: () => owner.token,
    query: `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
    variables: (id) => ({ input: { name: "Group line", individualGroupId: id } }),
    foreignId: "groupId",
  },
  {
    name: "createChannel",
    field: "subscribers.individualId",
    token: () => owner.token,
    query: `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
    variables: (id) => ({
      input: { name: "Pair", subscribers: [{ individualId: member.id }, { individualId: id }] },
    }),
    foreignId: "individualId",
  },
  {
    name: "addChannelSubscribers",
    field: "subscribers.individualId",
    token: () => owner.token,
    query: `mutation ($id: ID!, $subscribers: [SubscriberInput!]!) { addChannelSubscribers(id: $id, subscribers: $subscribers) { id } }`,
    variables: (id) => ({ id: channelId, subscribers: [{ individualId: id }] }),
    foreignId: "individualId",
  },
  {
    name: "createVideoChannel",
    field: "input.subjectId",
    token: () => org.tokens.agent,
    query: `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { id } }`,
    variables: (id) => ({ input: { participants: [{ individualId: member.id }], subjectId: id } }),
    foreignId: "individualId",
  },
  {
    name: "createVideoChannel",
    field: "input.messagingChannelId",
    token: () => org.tokens.agent,
    query: `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { id } }`,
    variables: (id) => ({
      input: { participants: [{ individualId: member.id }], messagingChannelId: id },
    }),
    foreignId: "channelId",
  },
  {
    name: "createVideoChannel",
    field: "input.participants.1.individualId",
    token: () => org.tokens.agent,
    query: `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { id } }`,
    variables: (id) => ({
      input: { participants: [{ individualId: member.id }, { individualId: id }] },
    }),
    foreignId: "individualId",
  },
  {
    name: "createIndividualGroup",
    field: "input.parentGroupId",
    token: () => org.tokens.admin,
    query: `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
    variables: (id) => ({ input: { name: "Child", parentGroupId: id } }),
    foreignId: "groupId",
  },
  {
    name: "createIndividualGroup",
    field: "input.individualIds",
    token: () => org.tokens.admin,
    query: `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
    variables: (id) => ({ input: { name: "Members", individualIds: [member.id, id] } }),
    foreignId: "individualId",
  },
  {
    name: "createIndividualGroup",
    field: "input.leaderIds",
    token: () => org.tokens.admin,
    query: `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
    variables: (id) => ({ input: { name: "Leaders", leaderIds: [id] } }),
    foreignId: "individualId",
  },
  {
    name: "postBulkMessage",
    field: "input.individualIds",
    token: () => owner.token,
    query: `mutation ($input: PostBulkMessageInput!) { postBulkMessage(input: $input) { id } }`,
    variables: (id) => ({ input: { body: "Hello", individualIds: [id], autoCreateChannel: true } }),
    foreignId: "individualId",
  },
  {
    name: "postBulkMessage",
    field: "input.individualGroupIds",
    token: () => owner.token,
    query: `mutation ($input: PostBulkMessageInput!) { postBulkMessage(input: $input) { id } }`,
    variables: (id) => ({
      input: { body: "Hello", individualGroupIds: [id], autoCreateChannel: true },
    }),
    foreignId: "groupId",
  },
  {
    name: "createTextNumber",
    field: "input.accountId",
    token: () => org.tokens.admin,
    query: `mutation ($input: CreateTextNumberInput!) { createTextNumber(input: $input) { id } }`,
    variables: (id) => ({ input: { accountId: id, phoneNumber: "+14155550113" } }),
    foreignId: "accountId",
  },
  {
    name: "mapTextUserNumber",
    field: "input.numberId",
    token: () => org.tokens.admin,
    query: `mutation ($input: CreateTextUserNumberMapInput!) { mapTextUserNumber(input: $input) { id } }`,
    variables: (id) => ({ input: { numberId: id, userId: member.id } }),
    foreignId: "numberId",
  },
  {
    name: "sendText",
    field: "input.accountId",
    token: () => org.tokens.agent,
    query: `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
    variables: (id) => ({ input: { accountId: id, target: "+14155550114", message: "Hi" } }),
    foreignId: "accountId",
  },
  {
    name: "sendText",
    field: "input.numberId",
    token: () => org.tokens.agent,
    query: `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
    variables: (id) => ({
      input: { accountId, numberId: id, target: "+14155550114", message: "Hi" },
    }),
    foreignId: "numberId",
  },
];

describe("ids a mutation stores must name rows of the caller's organization", () => {
  for (const testCase of CASES) {
    it(`${testCase.name}: ${testCase.field} of another organization or of nothing is NOT_FOUND, nothing written`, async () => {
      const before = await rowCounts();
      for (const id of [foreign[testCase.foreignId], newId()]) {
        const response = await server.gql(testCase.token(), testCase.query, testCase.variables(id));
        expect(response.errors, JSON.stringify(response.errors)).toHaveLength(1);
        expect(response.errors?.[0].extensions).toMatchObject({
          code: "NOT_FOUND",
          field: testCase.field,
        });
        expect(response.errors?.[0].message).toContain(id);
      }
      expect(await rowCounts()).toEqual(before);
    });
  }

  it("stores the caller's own rows by the same fields", async () => {
    const { createChannel } = dataOf(
      await server.gql<{ createChannel: { id: string } }>(
        owner.token,
        `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
        { input: { name: "SMS line", textNumberId: numberId } },
      ),
    );
    dataOf(
      await server.gql(
        org.tokens.agent,
        `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { id } }`,
        {
          input: {
            participants: [{ individualId: member.id }, { individualId: owner.id }],
            subjectId: member.id,
            messagingChannelId: createChannel.id,
          },
        },
      ),
    );
  });
});
