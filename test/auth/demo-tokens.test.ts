import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CALLERS, seedDemoOrganization } from "../../src/demo";
import { dataOf, startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let admin: string;
let agent: string;
let service: string;

beforeAll(async () => {
  server = await startTestServer();
  await seedDemoOrganization(server.app.services);
  [admin, agent, service] = await Promise.all(
    [DEMO_CALLERS.admin, DEMO_CALLERS.agent, DEMO_CALLERS.service].map((caller) =>
      server.tokenFor(caller),
    ),
  );
});
afterAll(() => server.stop());

describe("the demo organization's tokens", () => {
  it("carry the ids of individuals the seed created", async () => {
    const { individuals } = dataOf(
      await server.gql<{ individuals: { nodes: { id: string }[] } }>(
        agent,
        `{ individuals(first: 100) { nodes { id } } }`,
      ),
    );
    const ids = individuals.nodes.map((node) => node.id);
    for (const caller of Object.values(DEMO_CALLERS)) expect(ids).toContain(caller.individualId);
  });

  it("work for every operation that reads the caller's individual", async () => {
    const { createChannel } = dataOf(
      await server.gql<{ createChannel: { id: string; createdBy: { id: string } } }>(
        admin,
        `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id createdBy { id } } }`,
        {
          input: {
            name: "Demo",
            subscriptionType: "group-message",
            subscribers: [{ individualId: DEMO_CALLERS.agent.individualId }],
          },
        },
      ),
    );
    expect(createChannel.createdBy.id).toBe(DEMO_CALLERS.admin.individualId);
    const channelId = createChannel.id;
    const { postMessage } = dataOf(
      await server.gql<{ postMessage: { id: string } }>(
        admin,
        `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`,
        { input: { channelId, body: "Welcome" } },
      ),
    );
    const messageId = postMessage.id;
    const asAgent = [
      `{ inbox { totalCount nodes { id unreadCount } } }`,
      `{ channels { totalCount nodes { id } } }`,
      `mutation ($id: ID!) { acknowledgeMessage(id: $id) { id acknowledged } }`,
      `mutation ($id: ID!) { bookmarkMessage(id: $id) { id } }`,
      `mutation ($id: ID!) { addReaction(input: { messageId: $id, type: LIKE }) { id } }`,
      `mutation ($id: ID!) { removeReaction(input: { messageId: $id, type: LIKE }) { id } }`,
      `query ($id: ID!) { messageReceipts(id: $id) { read { individual { id } } } }`,
      `query ($channelId: ID!) { channel(id: $channelId) { unreadCount messages { nodes { id acknowledged } } } }`,
      `mutation ($channelId: ID!) { setChannelPreferences(id: $channelId, input: { pinned: true }) { id } }`,
      `mutation ($channelId: ID!) { postMessage(input: { channelId: $channelId, body: "Thanks" }) { id } }`,
    ];
    for (const query of asAgent)
      dataOf(await server.gql(agent, query, { id: messageId, channelId }));
    const inbox = dataOf(
      await server.gql<{ inbox: { nodes: { id: string }[] } }>(admin, `{ inbox { nodes { id } } }`),
    );
    expect(inbox.inbox.nodes.map((node) => node.id)).toContain(channelId);
    dataOf(
      await server.gql(
        admin,
        `mutation ($id: ID!) { updateMessage(id: $id, input: { body: "Welcome!" }) { id } }`,
        { id: messageId },
      ),
    );
    dataOf(
      await server.gql(
        admin,
        `mutation ($ids: [ID!]!) { postBulkMessage(input: { body: "All hands", individualIds: $ids, autoCreateChannel: true }) { id } }`,
        { ids: [DEMO_CALLERS.agent.individualId] },
      ),
    );
    dataOf(
      await server.gql(
        service,
        `query ($id: ID!) { communicationSummary(individualId: $id) { __typename } }`,
        { id: DEMO_CALLERS.agent.individualId },
      ),
    );
  });
});
