import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTestChannel, createTestIndividual, type TestIndividual } from "./fixtures";

let server: TestServer;
let org: TestOrganization;
let otherOrg: TestOrganization;
let owner: TestIndividual;
let alice: TestIndividual;
let bob: TestIndividual;

const FIELDS = `id name label archived floating subscriptionType withSms canEnableSms
  individualGroup { id name } createdBy { id } createdAt lastModifiedAt unreadCount
  subscribers { individual { id firstName } admin pinned autoSignUp notify }`;
const READ = `query ($id: ID!) { channel(id: $id) { ${FIELDS} } }`;
const CREATE = `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateChannelInput!) { updateChannel(id: $id, input: $input) { ${FIELDS} } }`;
const ARCHIVE = `mutation ($id: ID!) { archiveChannel(id: $id) { id archived } }`;
const UNARCHIVE = `mutation ($id: ID!) { unarchiveChannel(id: $id) { id archived } }`;
const ADD = `mutation ($id: ID!, $subscribers: [SubscriberInput!]!) { addChannelSubscribers(id: $id, subscribers: $subscribers) { id subscribers { individual { id } admin } } }`;
const REMOVE = `mutation ($id: ID!, $ids: [ID!]!) { removeChannelSubscribers(id: $id, individualIds: $ids) { id subscribers { individual { id } } } }`;
const PREFS = `mutation ($id: ID!, $input: ChannelPreferencesInput!) { setChannelPreferences(id: $id, input: $input) { id subscribers { individual { id } pinned notify } } }`;
const LIST = `query ($filter: ChannelFilter, $first: Int, $after: String) { channels(filter: $filter, first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`;

interface Channel {
  id: string;
  name: string | null;
  archived: boolean;
  canEnableSms: boolean;
  subscriptionType: string;
  createdBy: { id: string } | null;
  individualGroup: { id: string } | null;
  subscribers: {
    individual: { id: string };
    admin: boolean;
    pinned: boolean;
    notify: boolean;
  }[];
}

async function listIds(filter: Record<string, unknown>, token = org.tokens.agent) {
  const { channels } = dataOf(
    await server.gql<{ channels: { nodes: { id: string }[] } }>(token, LIST, {
      filter,
      first: 100,
    }),
  );
  return channels.nodes.map((node) => node.id);
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization({ defaultRegion: "DK" });
  otherOrg = await server.createOrganization();
  owner = await createTestIndividual(server, org, { firstName: "Owner" });
  alice = await createTestIndividual(server, org, {
    firstName: "Alice",
    phoneNumber: "+4571999999",
  });
  bob = await createTestIndividual(server, org, { firstName: "Bob" });
});

afterAll(async () => {
  await server?.stop();
});

describe("Mutation.createChannel", () => {
  it("subscribes the creator as admin and the initial subscribers with their flags", async () => {
    const { createChannel } = dataOf(
      await server.gql<{ createChannel: Channel }>(owner.token, CREATE, {
        input: {
          name: "Care team",
          subscriptionType: "group-message",
          subscribers: [
            { individualId: alice.id, pinned: true },
            { individualId: bob.id, notify: false },
          ],
        },
      }),
    );
    expect(createChannel).toMatchObject({
      name: "Care team",
      archived: false,
      subscriptionType: "group-message",
      createdBy: { id: owner.id },
      canEnableSms: true,
    });
    expect(createChannel.subscribers).toEqual([
      {
        individual: { id: owner.id, firstName: "Owner" },
        admin: true,
        pinned: false,
        autoSignUp: false,
        notify: true,
      },
      {
        individual: { id: alice.id, firstName: "Alice" },
        admin: false,
        pinned: true,
        autoSignUp: false,
        notify: true,
      },
      {
        individual: { id: bob.id, firstName: "Bob" },
        admin: false,
        pinned: false,
        autoSignUp: false,
        notify: false,
      },
    ]);
  });

  it("can never subscribe another organization's individual (NOT_FOUND, nothing written)", async () => {
    const foreign = await createTestIndividual(server, otherOrg, { firstName: "Foreign" });
    const before = await listIds({});
    const response = await server.gql(owner.token, CREATE, {
      input: { name: "Leak", subscribers: [{ individualId: foreign.id }] },
    });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    expect(await listIds({})).toEqual(before);
    const channelId = await createTestChannel(server, owner.token, { name: "Mine" });
    const add = await server.gql(owner.token, ADD, {
      id: channelId,
      subscribers: [{ individualId: foreign.id }],
    });
    expect(errorCodes(add)).toEqual(["NOT_FOUND"]);
  });

  it("refuses an unknown subscription type naming the field", async () => {
    const response = await server.gql(owner.token, CREATE, {
      input: { subscriptionType: "broadcast" },
    });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(response.errors?.[0].extensions?.field).toBe("input.subscriptionType");
  });
});

describe("Channel.canEnableSms", () => {
  it("is false when no subscriber has a textable number", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      subscribers: [{ individualId: bob.id }],
    });
    const { channel } = dataOf(
      await server.gql<{ channel: Channel }>(owner.token, READ, { id: channelId }),
    );
    expect(channel.canEnableSms).toBe(false);
    const optedOut = await createTestIndividual(server, org, { phoneNumber: "+4522222222" });
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation ($input: ContactPreferenceInput!) { createContactPreference(input: $input) { id } }`,
        { input: { contact: "+4522222222", doNotText: true } },
      ),
    );
    dataOf(
      await server.gql(owner.token, ADD, {
        id: channelId,
        subscribers: [{ individualId: optedOut.id }],
      }),
    );
    const again = dataOf(
      await server.gql<{ channel: Channel }>(owner.token, READ, { id: channelId }),
    );
    expect(again.channel.canEnableSms).toBe(false);
  });
});

describe("Mutation.updateChannel", () => {
  it("lets a channel admin change it and forbids a plain subscriber", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      name: "Before",
      subscribers: [{ individualId: alice.id }],
    });
    const { updateChannel } = dataOf(
      await server.gql<{ updateChannel: Channel }>(owner.token, UPDATE, {
        id: channelId,
        input: { name: "After", label: "L", floating: true },
      }),
    );
    expect(updateChannel).toMatchObject({ name: "After", label: "L", floating: true });
    const forbidden = await server.gql(alice.token, UPDATE, {
      id: channelId,
      input: { name: "X" },
    });
    expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
    const foreign = await server.gql(otherOrg.tokens.admin, UPDATE, {
      id: channelId,
      input: { name: "X" },
    });
    expect(errorCodes(foreign)).toEqual(["NOT_FOUND"]);
  });
});

describe("Mutation.archiveChannel", () => {
  it("archives and unarchives; changes to an archived channel are CONFLICT", async () => {
    const channelId = await createTestChannel(server, owner.token, { name: "Old" });
    expect(
      dataOf(await server.gql<{ archiveChannel: Channel }>(owner.token, ARCHIVE, { id: channelId }))
        .archiveChannel.archived,
    ).toBe(true);
    expect(errorCodes(await server.gql(owner.token, ARCHIVE, { id: channelId }))).toEqual([
      "CONFLICT",
    ]);
    expect(
      errorCodes(await server.gql(owner.token, UPDATE, { id: channelId, input: { name: "N" } })),
    ).toEqual(["CONFLICT"]);
    expect(
      dataOf(
        await server.gql<{ unarchiveChannel: Channel }>(owner.token, UNARCHIVE, { id: channelId }),
      ).unarchiveChannel.archived,
    ).toBe(false);
  });
});

describe("Mutation.addChannelSubscribers", () => {
  it("adds and removes subscribers; adding twice keeps one row", async () => {
    const channelId = await createTestChannel(server, owner.token, { name: "Grow" });
    const added = dataOf(
      await server.gql<{ addChannelSubscribers: Channel }>(owner.token, ADD, {
        id: channelId,
        subscribers: [{ individualId: alice.id, admin: true }, { individualId: bob.id }],
      }),
    ).addChannelSubscribers;
    expect(added.subscribers.map((s) => s.individual.id)).toEqual([owner.id, alice.id, bob.id]);
    dataOf(
      await server.gql(owner.token, ADD, {
        id: channelId,
        subscribers: [{ individualId: bob.id }],
      }),
    );
    const removed = dataOf(
      await server.gql<{ removeChannelSubscribers: Channel }>(alice.token, REMOVE, {
        id: channelId,
        ids: [bob.id],
      }),
    ).removeChannelSubscribers;
    expect(removed.subscribers.map((s) => s.individual.id)).toEqual([owner.id, alice.id]);
    expect(
      errorCodes(
        await server.gql(bob.token, ADD, {
          id: channelId,
          subscribers: [{ individualId: bob.id }],
        }),
      ),
    ).toEqual(["FORBIDDEN"]);
  });
});

describe("Mutation.setChannelPreferences", () => {
  it("changes only the caller's own flags; a non-subscriber is FORBIDDEN", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      subscribers: [{ individualId: alice.id }],
    });
    const { setChannelPreferences } = dataOf(
      await server.gql<{ setChannelPreferences: Channel }>(alice.token, PREFS, {
        id: channelId,
        input: { pinned: true, notify: false },
      }),
    );
    const flags = Object.fromEntries(
      setChannelPreferences.subscribers.map((s) => [s.individual.id, [s.pinned, s.notify]]),
    );
    expect(flags).toEqual({ [owner.id]: [false, true], [alice.id]: [true, false] });
    expect(
      errorCodes(await server.gql(bob.token, PREFS, { id: channelId, input: { pinned: true } })),
    ).toEqual(["FORBIDDEN"]);
  });
});

describe("Query.channels", () => {
  it("filters by archived, floating, group, individual, participant and modification time", async () => {
    const group = dataOf(
      await server.gql<{ createIndividualGroup: { id: string } }>(
        org.tokens.admin,
        `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
        { input: { name: "G" } },
      ),
    ).createIndividualGroup;
    const carol = await createTestIndividual(server, org, { firstName: "Carol" });
    const dave = await createTestIndividual(server, org, { firstName: "Dave" });
    const start = new Date();
    const a = await createTestChannel(server, carol.token, {
      floating: true,
      individualGroupId: group.id,
    });
    const b = await createTestChannel(server, carol.token, {
      subscribers: [{ individualId: dave.id }],
    });
    const c = await createTestChannel(server, dave.token, {});
    dataOf(await server.gql(dave.token, ARCHIVE, { id: c }));
    expect(await listIds({ individualId: carol.id })).toEqual([a, b]);
    expect(await listIds({ individualId: carol.id, participantId: dave.id })).toEqual([b]);
    expect(await listIds({ individualId: dave.id, archived: true })).toEqual([c]);
    expect(await listIds({ individualId: dave.id, archived: false })).toEqual([b]);
    expect(await listIds({ floating: true, individualGroupId: group.id })).toEqual([a]);
    expect(await listIds({ modifiedAfter: start.toISOString(), individualId: carol.id })).toEqual([
      a,
      b,
    ]);
    expect(await listIds({ modifiedBefore: start.toISOString(), individualId: carol.id })).toEqual(
      [],
    );
    expect(await listIds({ individualId: carol.id }, otherOrg.tokens.agent)).toEqual([]);

    const page1 = dataOf(
      await server.gql<{ channels: { nodes: { id: string }[]; pageInfo: { endCursor: string } } }>(
        org.tokens.agent,
        LIST,
        { filter: { individualId: carol.id }, first: 1 },
      ),
    ).channels;
    const page2 = dataOf(
      await server.gql<{
        channels: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } };
      }>(org.tokens.agent, LIST, {
        filter: { individualId: carol.id },
        first: 1,
        after: page1.pageInfo.endCursor,
      }),
    ).channels;
    expect([...page1.nodes, ...page2.nodes].map((n) => n.id)).toEqual([a, b]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });
});
