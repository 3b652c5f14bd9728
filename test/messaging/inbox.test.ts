import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedMessaging } from "../helpers/messaging-seed";
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
let owner: TestIndividual;
let alice: TestIndividual;

const INBOX = `query ($filter: InboxFilter, $sort: InboxSort, $first: Int, $after: String) {
  inbox(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    nodes { id name lastMessageAt unreadCount acknowledgedAt lastMessage { body } bookmark { id } }
    pageInfo { hasNextPage endCursor } } }`;
const POST = `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`;
const ACK = `mutation ($id: ID!) { acknowledgeMessage(id: $id) { id } }`;

interface InboxNode {
  id: string;
  name: string;
  lastMessageAt: string;
  unreadCount: number;
  acknowledgedAt: string | null;
  lastMessage: { body: string } | null;
  bookmark: { id: string } | null;
}
interface InboxPage {
  inbox: {
    totalCount: number;
    nodes: InboxNode[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function inbox(token: string, variables: Record<string, unknown> = {}) {
  return dataOf(await server.gql<InboxPage>(token, INBOX, variables)).inbox;
}

async function post(token: string, channelId: string, body: string): Promise<string> {
  return dataOf(
    await server.gql<{ postMessage: { id: string } }>(token, POST, { input: { channelId, body } }),
  ).postMessage.id;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  owner = await createTestIndividual(server, org, { firstName: "Owner" });
  alice = await createTestIndividual(server, org, { firstName: "Alice" });
});

afterAll(async () => {
  await server?.stop();
});

describe("Query.inbox", () => {
  it("lists the caller's channels with last message, unread count and bookmark, sorted", async () => {
    const subscribers = [{ individualId: alice.id }];
    const quiet = await createTestChannel(server, owner.token, { name: "Quiet", subscribers });
    const busy = await createTestChannel(server, owner.token, {
      name: "Busy",
      label: "ward",
      subscriptionType: "open",
      subscribers,
    });
    const read = await createTestChannel(server, owner.token, { name: "Read", subscribers });
    await createTestChannel(server, owner.token, { name: "Not Alice's" });
    await post(owner.token, busy, "b1");
    await post(owner.token, busy, "b2");
    const r1 = await post(owner.token, read, "r1");
    await post(owner.token, busy, "b3");
    dataOf(await server.gql(alice.token, ACK, { id: r1 }));
    dataOf(
      await server.gql(alice.token, `mutation ($id: ID!) { bookmarkMessage(id: $id) { id } }`, {
        id: r1,
      }),
    );

    const byActivity = await inbox(alice.token);
    expect(byActivity.totalCount).toBe(3);
    expect(byActivity.nodes.map((n) => [n.name, n.unreadCount, n.lastMessage?.body])).toEqual([
      ["Busy", 3, "b3"],
      ["Read", 0, "r1"],
      ["Quiet", 0, undefined],
    ]);
    expect(byActivity.nodes[1].bookmark).toEqual({ id: r1 });

    const names = async (variables: Record<string, unknown>) =>
      (await inbox(alice.token, variables)).nodes.map((n) => n.name);
    expect(await names({ sort: { field: "LAST_MESSAGE_AT", direction: "ASC" } })).toEqual([
      "Quiet",
      "Read",
      "Busy",
    ]);
    expect((await names({ sort: { field: "UNREAD_COUNT", direction: "DESC" } }))[0]).toBe("Busy");
    expect((await names({ sort: { field: "ACKNOWLEDGED_AT", direction: "DESC" } }))[0]).toBe(
      "Read",
    );
    expect(await names({ filter: { bookmarked: true } })).toEqual(["Read"]);
    expect(await names({ filter: { bookmarked: false, text: "WAR" } })).toEqual(["Busy"]);
    expect(await names({ filter: { type: "open" } })).toEqual(["Busy"]);
    expect(await names({ filter: { archived: true } })).toEqual([]);
    dataOf(
      await server.gql(owner.token, `mutation ($id: ID!) { archiveChannel(id: $id) { id } }`, {
        id: quiet,
      }),
    );
    expect(await names({ filter: { archived: true } })).toEqual(["Quiet"]);
    expect(await names({ filter: { archived: false } })).toEqual(["Busy", "Read"]);
    const bad = await server.gql(alice.token, INBOX, { filter: { type: "broadcast" } });
    expect(errorCodes(bad)).toEqual(["BAD_USER_INPUT"]);
  });

  it("pages every sort in both directions without duplicates or gaps", async () => {
    const seedOrg = await server.createOrganization();
    const seed = await seedMessaging(server.app.database.db, seedOrg.id, {
      channels: 23,
      subscribersPerChannel: 3,
      messagesPerChannel: 4,
    });
    const token = await server.tokenFor({
      individualId: seed.callerId,
      organizationId: seedOrg.id,
      roles: ["agent"],
    });
    // Vary the unread counts and acknowledgement times a little: ties must still page cleanly.
    for (const channelId of seed.channelIds.slice(0, 5)) await post(token, channelId, "mine");
    const value: Record<string, (node: InboxNode) => string | number> = {
      LAST_MESSAGE_AT: (node) => node.lastMessageAt,
      UNREAD_COUNT: (node) => node.unreadCount,
      ACKNOWLEDGED_AT: (node) => node.acknowledgedAt ?? "",
    };
    for (const field of Object.keys(value)) {
      for (const direction of ["ASC", "DESC"]) {
        const seen: InboxNode[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 10; pages += 1) {
          const page = await inbox(token, { sort: { field, direction }, first: 5, after });
          seen.push(...page.nodes);
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        expect(seen.map((n) => n.id).sort()).toEqual([...seed.channelIds].sort());
        const keys = seen.map((node) => [value[field](node), node.id] as const);
        const sorted = [...keys].sort((a, b) =>
          a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
        );
        expect(keys).toEqual(direction === "ASC" ? sorted : sorted.reverse());
      }
    }
  });
});

describe("Query.inbox statement count", () => {
  const QUERY = `{ inbox(first: 50) { nodes { name subscribers { individual { firstName } }
    lastMessage { body author { firstName } reactions { type } } unreadCount } } }`;

  async function countFor(channels: number) {
    const seedOrg = await server.createOrganization();
    const seed = await seedMessaging(server.app.database.db, seedOrg.id, {
      channels,
      subscribersPerChannel: 10,
      messagesPerChannel: 100,
    });
    const token = await server.tokenFor({
      individualId: seed.callerId,
      organizationId: seedOrg.id,
      roles: ["agent"],
    });
    const response = await server.gql<{
      inbox: {
        nodes: {
          subscribers: unknown[];
          lastMessage: { body: string; author: { firstName: string }; reactions: unknown[] };
          unreadCount: number;
        }[];
      };
    }>(token, QUERY);
    const { inbox: page } = dataOf(response);
    expect(page.nodes).toHaveLength(channels);
    expect(page.nodes[0].subscribers).toHaveLength(10);
    expect(page.nodes[0].lastMessage.reactions).toHaveLength(1);
    expect(page.nodes[0].unreadCount).toBe(50);
    return response.extensions?.sqlStatements;
  }

  it("is the same for 5 channels as for 50: one, the page with its subscribers, last messages, reactions and individuals", async () => {
    const few = await countFor(5);
    const many = await countFor(50);
    expect(few).toBe(many);
    expect(many).toBe(1);
  });
});

describe("Query.inbox relations", () => {
  const FIELDS = `id
    subscribers { admin pinned autoSignUp notify individual { id firstName } }
    lastMessage { id body author { firstName }
      reactions { type individualId createdAt individual { firstName } }
      readReceipts { individualId acknowledgedAt } }`;
  const REACT = `mutation ($input: ReactionInput!) { addReaction(input: $input) { id } }`;

  it("reads subscribers and last messages' reactions as the channel's own fields do", async () => {
    const relations = await server.createOrganization();
    const lead = await createTestIndividual(server, relations, { firstName: "Lead" });
    const me = await createTestIndividual(server, relations, { firstName: "Me" });
    const people: TestIndividual[] = [];
    for (const firstName of ["Zed", "Amy", "Bob"]) {
      people.push(await createTestIndividual(server, relations, { firstName }));
    }
    const channelIds: string[] = [];
    for (const [index, person] of people.entries()) {
      channelIds.push(
        await createTestChannel(server, lead.token, {
          name: `Relations ${index}`,
          subscribers: [
            { individualId: me.id },
            { individualId: person.id, admin: true, pinned: index === 0, notify: false },
          ],
        }),
      );
    }
    // Added later, so they come after the first subscribers whatever their ids.
    dataOf(
      await server.gql(
        lead.token,
        `mutation ($id: ID!, $subscribers: [SubscriberInput!]!) {
          addChannelSubscribers(id: $id, subscribers: $subscribers) { id } }`,
        {
          id: channelIds[0],
          subscribers: [
            { individualId: people[2].id, autoSignUp: true },
            { individualId: people[1].id },
          ],
        },
      ),
    );
    const first = await post(people[0].token, channelIds[0], "first");
    const last = await post(people[2].token, channelIds[0], "last");
    await post(me.token, channelIds[1], "mine");
    for (const [person, type] of [
      [people[1], "WOW"],
      [people[0], "LIKE"],
      [people[1], "LOVE"],
      [me, "SAD"],
    ] as const) {
      dataOf(await server.gql(person.token, REACT, { input: { messageId: last, type } }));
    }
    dataOf(await server.gql(people[0].token, ACK, { id: last }));
    dataOf(await server.gql(people[1].token, ACK, { id: first }));

    const { inbox: page } = dataOf(
      await server.gql<{ inbox: { nodes: { id: string }[] } }>(
        me.token,
        `{ inbox(first: 10) { nodes { ${FIELDS} } } }`,
      ),
    );
    expect(page.nodes.map((node) => node.id).sort()).toEqual([...channelIds].sort());
    for (const node of page.nodes) {
      const { channel } = dataOf(
        await server.gql<{ channel: unknown }>(
          me.token,
          `query ($id: ID!) { channel(id: $id) { ${FIELDS} } }`,
          { id: node.id },
        ),
      );
      expect(node).toEqual(channel);
    }
    const busy = page.nodes.find((node) => node.id === channelIds[0]) as unknown as {
      subscribers: { individual: { firstName: string } }[];
      lastMessage: { reactions: unknown[]; readReceipts: unknown[] };
    };
    const names = busy.subscribers.map((row) => row.individual.firstName);
    // The creator and the channel's first subscribers, then those added later.
    expect(names.slice(0, 3)).toEqual(["Lead", "Me", "Zed"]);
    expect(names.slice(3).sort()).toEqual(["Amy", "Bob"]);
    expect(busy.lastMessage.reactions).toHaveLength(4);
    expect(busy.lastMessage.readReceipts).toHaveLength(1);
  });

  it("reads along only what each query selects, and answers as the channel's own fields do", async () => {
    const shapes = await server.createOrganization();
    const lead = await createTestIndividual(server, shapes, { firstName: "Lead" });
    const me = await createTestIndividual(server, shapes, { firstName: "Me" });
    const quiet = await createTestChannel(server, lead.token, {
      name: "Quiet",
      subscribers: [{ individualId: me.id }],
    });
    const busy = await createTestChannel(server, lead.token, {
      name: "Busy",
      subscribers: [{ individualId: me.id, pinned: true }],
    });
    const last = await post(lead.token, busy, "hello");
    dataOf(await server.gql(me.token, REACT, { input: { messageId: last, type: "LIKE" } }));
    // The page's statement reads subscribers, last messages, reactions and the subscribers' and
    // authors' individuals; the reactions' individuals follow.
    for (const [fields, statements] of [
      [`id subscribers { notify }`, 1],
      [`id subscribers { individual { firstName } } unreadCount`, 1],
      [`id lastMessage { id body }`, 1],
      [`id lastMessage { reactions { type individual { firstName } } }`, 2],
      [`id lastMessage { author { firstName } } subscribers { pinned }`, 1],
      [`id name lastMessage { author { id } reactions { type } } acknowledgedAt`, 1],
      [`id subscribers { admin individual { id } } lastMessage { author { firstName } }`, 1],
    ] as const) {
      const response = await server.gql<{ inbox: { nodes: { id: string }[] } }>(
        me.token,
        `{ inbox(first: 10) { nodes { ${fields} } } }`,
      );
      const { inbox: page } = dataOf(response);
      expect(page.nodes.map((node) => node.id)).toEqual([busy, quiet]);
      expect(response.extensions?.sqlStatements).toBe(statements);
      for (const node of page.nodes) {
        const { channel } = dataOf(
          await server.gql<{ channel: unknown }>(
            me.token,
            `query ($id: ID!) { channel(id: $id) { ${fields} } }`,
            { id: node.id },
          ),
        );
        expect(node).toEqual(channel);
      }
    }
  });
});
