import type { Loaders } from "../../context";
import type { MessageRow } from "../../db/schema";
import type { InboxChannel } from "../channel/channel-inbox.repository";
import type { SubscriberFieldsRow } from "../channel/channel.repository";

const loaded = <Row>(values: (Row | Error | null)[]): Row[] =>
  values.filter((value): value is Row => value !== null && !(value instanceof Error));

/**
 * Loads the relations the query selects on the inbox's channels before their fields resolve, in
 * two rounds: subscribers and last messages, then the individuals of both (one batch, whatever
 * order the first two queries answer in) and the messages' reactions. The same statements the
 * fields would make, but every field then finds its value loaded and answers synchronously.
 */
export async function preloadInbox(
  loaders: Loaders,
  channels: InboxChannel[],
  selected: Set<string>,
): Promise<void> {
  const lastMessageIds = channels.flatMap((channel) =>
    channel.lastMessageId ? [channel.lastMessageId] : [],
  );
  const [subscriberLists, lastMessages] = await Promise.all([
    selected.has("subscribers")
      ? loaders.channel.subscribersByChannelId.loadMany(channels.map((channel) => channel.id))
      : [],
    selected.has("lastMessage") ? loaders.message.messageById.loadMany(lastMessageIds) : [],
  ]);
  const subscribers = loaded<SubscriberFieldsRow[]>(subscriberLists).flat();
  const messages = loaded<MessageRow>(lastMessages);
  // Distinct first: the same few individuals subscribe to many channels, and loadMany costs two
  // promises per key, repeated or not.
  const individualIds = new Set([
    ...(selected.has("subscribers.individual") ? subscribers.map((row) => row.individualId) : []),
    ...(selected.has("lastMessage.author")
      ? messages.flatMap((message) => (message.authorId ? [message.authorId] : []))
      : []),
  ]);
  await Promise.all([
    individualIds.size > 0 && loaders.individual.individualById.loadMany([...individualIds]),
    selected.has("lastMessage.reactions") &&
      loaders.message.reactionsByMessageId.loadMany(messages.map((message) => message.id)),
  ]);
}
