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
let outsider: TestIndividual;

const MESSAGE = `id body draft removed source userType postedAt lastModifiedAt acknowledged
  author { id firstName } channel { id } reactions { type individual { id } }
  readReceipts { individual { id } acknowledgedAt }`;
const POST = `mutation ($input: PostMessageInput!) { postMessage(input: $input) { ${MESSAGE} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateMessageInput!) { updateMessage(id: $id, input: $input) { ${MESSAGE} } }`;
const REMOVE = `mutation ($id: ID!) { removeMessage(id: $id) { ${MESSAGE} } }`;
const ACK = `mutation ($id: ID!, $allowPast: Boolean) { acknowledgeMessage(id: $id, allowPast: $allowPast) { id acknowledged } }`;
const REACT = `mutation ($input: ReactionInput!) { addReaction(input: $input) { id reactions { type individual { id } } } }`;
const UNREACT = `mutation ($input: ReactionInput!) { removeReaction(input: $input) { id reactions { type } } }`;
const RECEIPTS = `query ($id: ID!) { messageReceipts(id: $id) { read { individual { id } acknowledgedAt } unread { individual { id } acknowledgedAt } } }`;
const CHANNEL = `query ($id: ID!, $filter: MessageFilter, $first: Int, $after: String) { channel(id: $id) {
  unreadCount lastMessage { id body } bookmark { id } withSms
  messages(filter: $filter, first: $first, after: $after) { totalCount nodes { id body acknowledged } pageInfo { hasNextPage endCursor } } } }`;
const ARCHIVE = `mutation ($id: ID!) { archiveChannel(id: $id) { id } }`;

interface Message {
  id: string;
  body: string;
  draft: boolean;
  removed: boolean;
  acknowledged: boolean;
  author: { id: string } | null;
  reactions: { type: string; individual: { id: string } }[];
  readReceipts: { individual: { id: string }; acknowledgedAt: string | null }[];
}

interface ChannelView {
  unreadCount: number;
  lastMessage: { id: string; body: string } | null;
  bookmark: { id: string } | null;
  withSms: boolean;
  messages: {
    totalCount: number;
    nodes: { id: string; body: string; acknowledged: boolean }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

async function post(token: string, channelId: string, body: string, extra = {}): Promise<Message> {
  return dataOf(
    await server.gql<{ postMessage: Message }>(token, POST, {
      input: { channelId, body, ...extra },
    }),
  ).postMessage;
}

async function view(token: string, id: string, variables = {}): Promise<ChannelView> {
  return dataOf(await server.gql<{ channel: ChannelView }>(token, CHANNEL, { id, ...variables }))
    .channel;
}

async function newChannel(): Promise<string> {
  return createTestChannel(server, owner.token, {
    name: "Chat",
    subscribers: [{ individualId: alice.id }, { individualId: bob.id }],
  });
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
  outsider = await createTestIndividual(server, org, { firstName: "Outsider" });
});

afterAll(async () => {
  await server?.stop();
});

describe("Mutation.postMessage", () => {
  it("posts as the caller, moves lastMessage and counts it unread for the others", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, " Hello ", { source: "app" });
    expect(message).toMatchObject({
      body: "Hello",
      draft: false,
      removed: false,
      acknowledged: false,
      author: { id: alice.id },
    });
    expect((await view(alice.token, channelId)).unreadCount).toBe(0);
    const bobView = await view(bob.token, channelId);
    expect(bobView.unreadCount).toBe(1);
    expect(bobView.lastMessage).toEqual({ id: message.id, body: "Hello" });
  });

  it("with autoAck acknowledges the channel up to the new message for the author", async () => {
    const channelId = await newChannel();
    const first = await post(bob.token, channelId, "one");
    const second = await post(alice.token, channelId, "two", { autoAck: true });
    expect(second.acknowledged).toBe(true);
    const { messages } = await view(alice.token, channelId);
    expect(messages.nodes.map((node) => node.acknowledged)).toEqual([true, true]);
    expect(messages.nodes[0].id).toBe(first.id);
  });

  it("refuses a non-subscriber (FORBIDDEN) and an archived channel (CONFLICT), writing nothing", async () => {
    const channelId = await newChannel();
    const forbidden = await server.gql(outsider.token, POST, { input: { channelId, body: "x" } });
    expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
    expect(forbidden.errors?.[0].message).toMatch(/subscribers/);
    dataOf(await server.gql(owner.token, ARCHIVE, { id: channelId }));
    const archived = await server.gql(alice.token, POST, { input: { channelId, body: "x" } });
    expect(errorCodes(archived)).toEqual(["CONFLICT"]);
    expect(archived.errors?.[0].message).toMatch(/archived/);
    const after = await view(owner.token, channelId);
    expect(after.messages.totalCount).toBe(0);
    expect(after.lastMessage).toBeNull();
    const foreign = await server.gql(otherOrg.tokens.admin, POST, {
      input: { channelId, body: "x" },
    });
    expect(errorCodes(foreign)).toEqual(["NOT_FOUND"]);
  });

  it("lets an organization admin post without subscribing", async () => {
    const channelId = await newChannel();
    const message = await post(org.tokens.admin, channelId, "Announcement");
    expect(message.body).toBe("Announcement");
  });

  it("keeps a draft for its author until it is posted", async () => {
    const channelId = await newChannel();
    const draft = await post(alice.token, channelId, "draft", { draft: true });
    expect(draft.draft).toBe(true);
    expect((await view(bob.token, channelId)).messages.totalCount).toBe(0);
    expect((await view(bob.token, channelId)).unreadCount).toBe(0);
    expect((await view(alice.token, channelId)).messages.totalCount).toBe(1);
    const posted = dataOf(
      await server.gql<{ updateMessage: Message }>(alice.token, UPDATE, {
        id: draft.id,
        input: { body: "final", draft: false },
      }),
    ).updateMessage;
    expect(posted).toMatchObject({ draft: false, body: "final" });
    const bobView = await view(bob.token, channelId);
    expect(bobView.unreadCount).toBe(1);
    expect(bobView.lastMessage?.id).toBe(draft.id);
  });
});

describe("Mutation.updateMessage", () => {
  it("lets only the author edit (FORBIDDEN otherwise, nothing written)", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, "original");
    const forbidden = await server.gql(bob.token, UPDATE, {
      id: message.id,
      input: { body: "hacked" },
    });
    expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
    const edited = dataOf(
      await server.gql<{ updateMessage: Message }>(alice.token, UPDATE, {
        id: message.id,
        input: { body: "edited" },
      }),
    ).updateMessage;
    expect(edited.body).toBe("edited");
    const blank = await server.gql(alice.token, UPDATE, { id: message.id, input: { body: " " } });
    expect(errorCodes(blank)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("Mutation.removeMessage", () => {
  it("removes softly: the message stays, its body is hidden", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, "secret");
    expect(errorCodes(await server.gql(bob.token, REMOVE, { id: message.id }))).toEqual([
      "FORBIDDEN",
    ]);
    const removed = dataOf(
      await server.gql<{ removeMessage: Message }>(alice.token, REMOVE, { id: message.id }),
    ).removeMessage;
    expect(removed).toMatchObject({ removed: true, body: "" });
    expect((await view(bob.token, channelId)).messages.nodes).toEqual([
      { id: message.id, body: "", acknowledged: false },
    ]);
    expect(
      errorCodes(await server.gql(alice.token, UPDATE, { id: message.id, input: { body: "x" } })),
    ).toEqual(["CONFLICT"]);
  });
});

describe("Mutation.addReaction", () => {
  it("accepts each of the six types once per individual; a second same type is CONFLICT", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, "react to me");
    for (const type of ["DISLIKE", "LIKE", "LOL", "LOVE", "SAD", "WOW"]) {
      dataOf(await server.gql(bob.token, REACT, { input: { messageId: message.id, type } }));
    }
    dataOf(
      await server.gql(alice.token, REACT, { input: { messageId: message.id, type: "LIKE" } }),
    );
    const twice = await server.gql(bob.token, REACT, {
      input: { messageId: message.id, type: "LIKE" },
    });
    expect(errorCodes(twice)).toEqual(["CONFLICT"]);
    const unknown = await server.gql(bob.token, REACT, {
      input: { messageId: message.id, type: "ANGRY" },
    });
    expect(errorCodes(unknown)).toEqual(["BAD_USER_INPUT"]);
    const outsiderReacts = await server.gql(outsider.token, REACT, {
      input: { messageId: message.id, type: "LIKE" },
    });
    expect(errorCodes(outsiderReacts)).toEqual(["FORBIDDEN"]);
    const removed = dataOf(
      await server.gql<{ removeReaction: { reactions: { type: string }[] } }>(bob.token, UNREACT, {
        input: { messageId: message.id, type: "SAD" },
      }),
    ).removeReaction;
    expect(removed.reactions.map((r) => r.type)).toEqual([
      "DISLIKE",
      "LIKE",
      "LOL",
      "LOVE",
      "WOW",
      "LIKE",
    ]);
    expect(
      errorCodes(
        await server.gql(bob.token, UNREACT, { input: { messageId: message.id, type: "SAD" } }),
      ),
    ).toEqual(["CONFLICT"]);
  });
});

describe("Mutation.acknowledgeMessage", () => {
  it("marks that message and every earlier one read and never moves the horizon back unless allowPast", async () => {
    const channelId = await newChannel();
    const messages: Message[] = [];
    for (const body of ["m1", "m2", "m3", "m4"])
      messages.push(await post(alice.token, channelId, body));
    expect((await view(bob.token, channelId)).unreadCount).toBe(4);

    dataOf(await server.gql(bob.token, ACK, { id: messages[2].id }));
    let bobView = await view(bob.token, channelId);
    expect(bobView.unreadCount).toBe(1);
    expect(bobView.messages.nodes.map((n) => n.acknowledged)).toEqual([true, true, true, false]);

    const back = dataOf(
      await server.gql<{ acknowledgeMessage: { acknowledged: boolean } }>(bob.token, ACK, {
        id: messages[0].id,
      }),
    );
    expect(back.acknowledgeMessage.acknowledged).toBe(true);
    expect((await view(bob.token, channelId)).unreadCount).toBe(1);

    dataOf(await server.gql(bob.token, ACK, { id: messages[0].id, allowPast: true }));
    bobView = await view(bob.token, channelId);
    expect(bobView.unreadCount).toBe(3);
    expect(bobView.messages.nodes.map((n) => n.acknowledged)).toEqual([true, false, false, false]);

    const unread = await view(bob.token, channelId, { filter: { acknowledged: false } });
    expect(unread.messages.nodes.map((n) => n.id)).toEqual(messages.slice(1).map((m) => m.id));
    const read = await view(bob.token, channelId, { filter: { acknowledged: true } });
    expect(read.messages.nodes.map((n) => n.id)).toEqual([messages[0].id]);
    const nothingRead = await view(owner.token, channelId, { filter: { acknowledged: true } });
    expect(nothingRead.messages.totalCount).toBe(0);

    expect(errorCodes(await server.gql(outsider.token, ACK, { id: messages[0].id }))).toEqual([
      "FORBIDDEN",
    ]);
  });

  it("gives read receipts and messageReceipts { read unread }", async () => {
    const channelId = await newChannel();
    const first = await post(alice.token, channelId, "first");
    const second = await post(alice.token, channelId, "second");
    dataOf(await server.gql(bob.token, ACK, { id: second.id }));
    const { messageReceipts } = dataOf(
      await server.gql<{
        messageReceipts: {
          read: { individual: { id: string }; acknowledgedAt: string }[];
          unread: { individual: { id: string }; acknowledgedAt: string | null }[];
        };
      }>(owner.token, RECEIPTS, { id: first.id }),
    );
    expect(messageReceipts.read.map((r) => r.individual.id)).toEqual([bob.id]);
    expect(messageReceipts.read[0].acknowledgedAt).toBeTruthy();
    expect(messageReceipts.unread).toEqual([
      { individual: { id: owner.id }, acknowledgedAt: null },
    ]);
    const { message } = dataOf(
      await server.gql<{ message: Message }>(
        owner.token,
        `query ($id: ID!) { message(id: $id) { ${MESSAGE} } }`,
        { id: first.id },
      ),
    );
    expect(message.readReceipts.map((r) => r.individual.id)).toEqual([bob.id]);
  });
});

describe("Channel.messages", () => {
  it("filters by text, author and posted time, and pages without gaps", async () => {
    const channelId = await newChannel();
    const a = await post(alice.token, channelId, "Apple pie");
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await post(bob.token, channelId, "banana");
    const c = await post(alice.token, channelId, "APPLE tart");
    const ids = async (filter: Record<string, unknown>) =>
      (await view(owner.token, channelId, { filter })).messages.nodes.map((n) => n.id);
    expect(await ids({ text: "apple" })).toEqual([a.id, c.id]);
    expect(await ids({ authorId: bob.id })).toEqual([b.id]);
    expect(await ids({ postedBefore: between.toISOString() })).toEqual([a.id]);
    expect(await ids({ postedAfter: between.toISOString() })).toEqual([b.id, c.id]);
    expect(await ids({ modifiedAfter: between.toISOString() })).toEqual([b.id, c.id]);
    const page1 = (await view(owner.token, channelId, { first: 2 })).messages;
    const page2 = (
      await view(owner.token, channelId, { first: 2, after: page1.pageInfo.endCursor })
    ).messages;
    expect([...page1.nodes, ...page2.nodes].map((n) => n.id)).toEqual([a.id, b.id, c.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });
});

describe("Mutation.bookmarkMessage", () => {
  it("sets and clears the caller's bookmark", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, "remember");
    const BOOKMARK = `mutation ($id: ID!, $on: Boolean) { bookmarkMessage(id: $id, bookmarked: $on) { id bookmark { id } } }`;
    const set = dataOf(
      await server.gql<{ bookmarkMessage: { bookmark: { id: string } } }>(bob.token, BOOKMARK, {
        id: message.id,
      }),
    );
    expect(set.bookmarkMessage.bookmark).toEqual({ id: message.id });
    expect((await view(alice.token, channelId)).bookmark).toBeNull();
    const cleared = dataOf(
      await server.gql<{ bookmarkMessage: { bookmark: null } }>(bob.token, BOOKMARK, {
        id: message.id,
        on: false,
      }),
    );
    expect(cleared.bookmarkMessage.bookmark).toBeNull();
  });
});

describe("Mutation.setChannelSms", () => {
  const SMS = `mutation ($id: ID!, $enabled: Boolean!, $initialMessage: String) { setChannelSms(id: $id, enabled: $enabled, initialMessage: $initialMessage) { id withSms canEnableSms lastMessage { body } } }`;

  it("turns SMS on with an initial message when a subscriber is textable", async () => {
    const channelId = await newChannel();
    const on = dataOf(
      await server.gql<{ setChannelSms: { withSms: boolean; lastMessage: { body: string } } }>(
        owner.token,
        SMS,
        {
          id: channelId,
          enabled: true,
          initialMessage: "Texts are on",
        },
      ),
    ).setChannelSms;
    expect(on).toMatchObject({ withSms: true, lastMessage: { body: "Texts are on" } });
    const off = dataOf(
      await server.gql<{ setChannelSms: { withSms: boolean } }>(owner.token, SMS, {
        id: channelId,
        enabled: false,
      }),
    );
    expect(off.setChannelSms.withSms).toBe(false);
    expect(errorCodes(await server.gql(bob.token, SMS, { id: channelId, enabled: true }))).toEqual([
      "FORBIDDEN",
    ]);
  });

  it("is CONFLICT when no subscriber has a textable number", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      subscribers: [{ individualId: bob.id }],
    });
    const response = await server.gql(owner.token, SMS, {
      id: channelId,
      enabled: true,
      initialMessage: "x",
    });
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    const after = await view(owner.token, channelId);
    expect(after).toMatchObject({ withSms: false, lastMessage: null });
  });
});

describe("Query._entities", () => {
  it("resolves Individual, Channel and Message for the same organization only", async () => {
    const channelId = await newChannel();
    const message = await post(alice.token, channelId, "entity");
    const draft = await post(alice.token, channelId, "hidden", { draft: true });
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Individual { id firstName } ... on Channel { id name } ... on Message { id body } } }`;
    const representations = [
      { __typename: "Individual", id: alice.id },
      { __typename: "Channel", id: channelId },
      { __typename: "Message", id: message.id },
      { __typename: "Message", id: draft.id },
    ];
    const own = dataOf(
      await server.gql<{ _entities: unknown[] }>(bob.token, query, { representations }),
    );
    expect(own._entities).toEqual([
      { id: alice.id, firstName: "Alice" },
      { id: channelId, name: "Chat" },
      { id: message.id, body: "entity" },
      null,
    ]);
    const foreign = dataOf(
      await server.gql<{ _entities: unknown[] }>(otherOrg.tokens.agent, query, { representations }),
    );
    expect(foreign._entities).toEqual([null, null, null, null]);
  });
});
