import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
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
let sender: TestIndividual;
let alice: TestIndividual;
let bob: TestIndividual;
let carol: TestIndividual;

const BULK = `id body draft postedAt messageCount individualIds individualGroupIds`;
const POST = `mutation ($input: PostBulkMessageInput!) { postBulkMessage(input: $input) { ${BULK} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateBulkMessageInput!) { updateBulkMessage(id: $id, input: $input) { ${BULK} } }`;
const INBOX = `{ inbox { nodes { id subscriptionType unreadCount lastMessage { body author { id } } } } }`;
const SUMMARY = `query ($id: ID!, $senders: Boolean) { communicationSummary(individualId: $id, includeSenders: $senders) {
  individualId totalMessages unreadMessages sentMessages byType { key count } bySender { key count } } }`;

interface Bulk {
  id: string;
  draft: boolean;
  postedAt: string | null;
  messageCount: number;
}
interface InboxNode {
  id: string;
  subscriptionType: string;
  unreadCount: number;
  lastMessage: { body: string; author: { id: string } } | null;
}

async function inboxOf(token: string): Promise<InboxNode[]> {
  return dataOf(await server.gql<{ inbox: { nodes: InboxNode[] } }>(token, INBOX)).inbox.nodes;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  sender = await createTestIndividual(server, org, { firstName: "Sender" });
  alice = await createTestIndividual(server, org, { firstName: "Alice" });
  bob = await createTestIndividual(server, org, { firstName: "Bob" });
  carol = await createTestIndividual(server, org, { firstName: "Carol" });
});

afterAll(async () => {
  await server?.stop();
});

describe("Mutation.postBulkMessage", () => {
  it("posts into existing direct channels and creates the missing ones when asked", async () => {
    const existing = await createTestChannel(server, sender.token, {
      subscriptionType: "direct-message",
      subscribers: [{ individualId: alice.id }],
    });
    const group = dataOf(
      await server.gql<{ createIndividualGroup: { id: string } }>(
        org.tokens.admin,
        `mutation ($input: CreateIndividualGroupInput!) { createIndividualGroup(input: $input) { id } }`,
        { input: { name: "Patients", individualIds: [bob.id, sender.id] } },
      ),
    ).createIndividualGroup;
    const { postBulkMessage } = dataOf(
      await server.gql<{ postBulkMessage: Bulk }>(sender.token, POST, {
        input: {
          body: "Clinic closed Friday",
          individualIds: [alice.id],
          individualGroupIds: [group.id],
          autoCreateChannel: true,
        },
      }),
    );
    expect(postBulkMessage).toMatchObject({ draft: false, messageCount: 2 });
    expect(postBulkMessage.postedAt).toBeTruthy();
    const aliceInbox = await inboxOf(alice.token);
    expect(aliceInbox.map((n) => n.id)).toEqual([existing]);
    expect(aliceInbox[0]).toMatchObject({
      unreadCount: 1,
      lastMessage: { body: "Clinic closed Friday", author: { id: sender.id } },
    });
    const bobInbox = await inboxOf(bob.token);
    expect(bobInbox).toHaveLength(1);
    expect(bobInbox[0]).toMatchObject({ subscriptionType: "direct-message", unreadCount: 1 });

    const again = dataOf(
      await server.gql<{ postBulkMessage: Bulk }>(sender.token, POST, {
        input: { body: "Reminder", individualIds: [bob.id, carol.id] },
      }),
    ).postBulkMessage;
    expect(again.messageCount).toBe(1);
    expect(await inboxOf(carol.token)).toEqual([]);
  });

  it("keeps a draft editable until posted, then refuses changes", async () => {
    const draft = dataOf(
      await server.gql<{ postBulkMessage: Bulk }>(sender.token, POST, {
        input: { body: "Draft", individualIds: [carol.id], draft: true, autoCreateChannel: true },
      }),
    ).postBulkMessage;
    expect(draft).toMatchObject({ draft: true, postedAt: null, messageCount: 0 });
    expect(await inboxOf(carol.token)).toEqual([]);
    expect(
      errorCodes(await server.gql(alice.token, UPDATE, { id: draft.id, input: { body: "x" } })),
    ).toEqual(["FORBIDDEN"]);
    const posted = dataOf(
      await server.gql<{ updateBulkMessage: Bulk }>(sender.token, UPDATE, {
        id: draft.id,
        input: { body: "Final", draft: false },
      }),
    ).updateBulkMessage;
    expect(posted).toMatchObject({ draft: false, messageCount: 1 });
    expect((await inboxOf(carol.token))[0].lastMessage?.body).toBe("Final");
    const late = await server.gql(sender.token, UPDATE, { id: draft.id, input: { body: "Late" } });
    expect(errorCodes(late)).toEqual(["CONFLICT"]);
  });

  it("writes nothing when a recipient is unknown", async () => {
    const before = await inboxOf(alice.token);
    const response = await server.gql(sender.token, POST, {
      input: { body: "x", individualIds: [alice.id, newId()], autoCreateChannel: true },
    });
    expect(errorCodes(response)).toEqual(["NOT_FOUND"]);
    expect(await inboxOf(alice.token)).toEqual(before);
  });
});

describe("Query.communicationSummary", () => {
  it("counts messages in the individual's channels by type and by sender", async () => {
    const dave = await createTestIndividual(server, org, { firstName: "Dave" });
    const channelId = await createTestChannel(server, sender.token, {
      subscriptionType: "group-message",
      subscribers: [{ individualId: dave.id }],
    });
    const POST_MESSAGE = `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`;
    for (const [token, body] of [
      [sender.token, "a"],
      [sender.token, "b"],
      [dave.token, "c"],
    ]) {
      dataOf(await server.gql(token, POST_MESSAGE, { input: { channelId, body } }));
    }
    dataOf(
      await server.gql(sender.token, POST, {
        input: { body: "bulk", individualIds: [dave.id], autoCreateChannel: true },
      }),
    );
    const { communicationSummary } = dataOf(
      await server.gql<{
        communicationSummary: {
          totalMessages: number;
          unreadMessages: number;
          sentMessages: number;
          byType: { key: string; count: number }[];
          bySender: { key: string; count: number }[] | null;
        };
      }>(org.tokens.agent, SUMMARY, { id: dave.id, senders: true }),
    );
    expect(communicationSummary).toMatchObject({
      totalMessages: 4,
      unreadMessages: 3,
      sentMessages: 1,
      byType: [
        { key: "group-message", count: 3 },
        { key: "direct-message", count: 1 },
      ],
      bySender: [
        { key: sender.id, count: 3 },
        { key: dave.id, count: 1 },
      ],
    });
    const withoutSenders = dataOf(
      await server.gql<{ communicationSummary: { bySender: null } }>(org.tokens.agent, SUMMARY, {
        id: dave.id,
      }),
    );
    expect(withoutSenders.communicationSummary.bySender).toBeNull();
  });
});
