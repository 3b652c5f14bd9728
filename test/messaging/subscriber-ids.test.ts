import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTestChannel, createTestIndividual, type TestIndividual } from "./fixtures";

/**
 * channels.subscriber_ids, kept by migration 0006's triggers, answers `subscribers { individual }`
 * without reading the subscription rows; every other selection reads the rows. Both must list the
 * same individuals in the same order after every change.
 */
let server: TestServer;
let org: TestOrganization;
let owner: TestIndividual;
let people: TestIndividual[];

const FROM_IDS = `query ($id: ID!) { channel(id: $id) { subscribers { individual { id } } } }`;
const FROM_ROWS = `query ($id: ID!) { channel(id: $id) { subscribers { admin individual { id } } } }`;
const ADD = `mutation ($id: ID!, $subscribers: [SubscriberInput!]!) {
  addChannelSubscribers(id: $id, subscribers: $subscribers) { subscribers { individual { id } } } }`;
const REMOVE = `mutation ($id: ID!, $ids: [ID!]!) {
  removeChannelSubscribers(id: $id, individualIds: $ids) { subscribers { individual { id } } } }`;

type Subscribers = { subscribers: { individual: { id: string } }[] };

async function subscriberIds(query: string, channelId: string) {
  const response = await server.gql<{ channel: Subscribers }>(owner.token, query, {
    id: channelId,
  });
  return {
    ids: dataOf(response).channel.subscribers.map((subscriber) => subscriber.individual.id),
    statements: response.extensions?.sqlStatements,
  };
}

/** The ids both ways, checked to agree. */
async function subscribersOf(channelId: string): Promise<string[]> {
  const [fromIds, fromRows] = [
    await subscriberIds(FROM_IDS, channelId),
    await subscriberIds(FROM_ROWS, channelId),
  ];
  expect(fromIds.ids).toEqual(fromRows.ids);
  return fromIds.ids;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  owner = await createTestIndividual(server, org, { firstName: "Owner" });
  people = [];
  for (let index = 0; index < 12; index += 1) {
    people.push(await createTestIndividual(server, org, { firstName: `Person ${index}` }));
  }
});

afterAll(async () => {
  await server?.stop();
});

describe("Channel.subscribers from channels.subscriber_ids", () => {
  it("lists the initial subscribers in createChannel's own answer and after", async () => {
    const { createChannel } = dataOf(
      await server.gql<{ createChannel: Subscribers & { id: string } }>(
        owner.token,
        `mutation ($input: CreateChannelInput!) {
          createChannel(input: $input) { id subscribers { individual { id } } } }`,
        {
          input: {
            name: "Initial",
            subscriptionType: "group-message",
            subscribers: [{ individualId: people[0].id }, { individualId: people[1].id }],
          },
        },
      ),
    );
    const answered = createChannel.subscribers.map((subscriber) => subscriber.individual.id);
    expect(new Set(answered)).toEqual(new Set([owner.id, people[0].id, people[1].id]));
    expect(await subscribersOf(createChannel.id)).toEqual(answered);
  });

  it("follows additions and removals, in the mutations' answers too", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      name: "Changing",
      subscriptionType: "group-message",
    });
    const added = dataOf(
      await server.gql<{ addChannelSubscribers: Subscribers }>(owner.token, ADD, {
        id: channelId,
        subscribers: [{ individualId: people[2].id }, { individualId: people[3].id }],
      }),
    ).addChannelSubscribers.subscribers.map((subscriber) => subscriber.individual.id);
    expect(new Set(added)).toEqual(new Set([owner.id, people[2].id, people[3].id]));
    expect(await subscribersOf(channelId)).toEqual(added);

    const removed = dataOf(
      await server.gql<{ removeChannelSubscribers: Subscribers }>(owner.token, REMOVE, {
        id: channelId,
        ids: [people[2].id],
      }),
    ).removeChannelSubscribers.subscribers.map((subscriber) => subscriber.individual.id);
    expect(new Set(removed)).toEqual(new Set([owner.id, people[3].id]));
    expect(await subscribersOf(channelId)).toEqual(removed);
  });

  it("reads no subscription rows when only the individuals are selected", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      name: "Counted",
      subscriptionType: "group-message",
      subscribers: [{ individualId: people[4].id }],
    });
    const [fromIds, fromRows] = [
      await subscriberIds(FROM_IDS, channelId),
      await subscriberIds(FROM_ROWS, channelId),
    ];
    expect(fromIds.ids).toEqual(fromRows.ids);
    // The channel and the individuals; the rows' way reads the subscriptions as well.
    expect(fromIds.statements).toBe(fromRows.statements! - 1);
  });

  it("keeps every one of many concurrent additions to one channel", async () => {
    const channelId = await createTestChannel(server, owner.token, {
      name: "Crowded",
      subscriptionType: "group-message",
    });
    await Promise.all(
      people.map((person) =>
        server
          .gql(owner.token, ADD, { id: channelId, subscribers: [{ individualId: person.id }] })
          .then(dataOf),
      ),
    );
    const ids = await subscribersOf(channelId);
    expect(new Set(ids)).toEqual(new Set([owner.id, ...people.map((person) => person.id)]));
    expect(ids).toHaveLength(people.length + 1);
  });
});
