import type { Loaders } from "../../context";
import type { MessageRow } from "../../db/schema";
import type { InboxChannel } from "../channel/channel-inbox.repository";

const loaded = <Row>(values: (Row | Error | null)[]): Row[] =>
  values.filter((value): value is Row => value !== null && !(value instanceof Error));

/**
 * Loads the relations the query selects on the inbox's channels before their fields resolve: the
 * subscribers came with the channels (InboxQuery.withSubscribers), then the last messages with
 * their reactions (one statement), then the individuals of both (one batch). Every field then
 * finds its value loaded and answers synchronously. As with loadMany, a statement that fails
 * here leaves its fields to load, and report the error, for themselves.
 */
export async function preloadInbox(
  loaders: Loaders,
  channels: InboxChannel[],
  selected: Set<string>,
): Promise<void> {
  const individualIds = new Set<string>();
  if (selected.has("subscribers")) {
    const subscribersByChannelId = loaders.channel.subscribersByChannelId;
    const withIndividuals = selected.has("subscribers.individual");
    for (const channel of channels) {
      const subscribers = channel.loadedSubscribers;
      if (!subscribers) continue;
      subscribersByChannelId.primeValue(channel.id, subscribers);
      if (withIndividuals) for (const row of subscribers) individualIds.add(row.individualId);
    }
  }
  if (selected.has("lastMessage")) {
    const lastMessageIds = channels.flatMap((channel) =>
      channel.lastMessageId ? [channel.lastMessageId] : [],
    );
    const messages: MessageRow[] = selected.has("lastMessage.reactions")
      ? await loaders.message.loadWithReactions(lastMessageIds).catch(() => [])
      : loaded<MessageRow>(await loaders.message.messageById.loadMany(lastMessageIds));
    if (selected.has("lastMessage.author")) {
      for (const message of messages) if (message.authorId) individualIds.add(message.authorId);
    }
  }
  // Distinct: the same few individuals subscribe to many channels.
  if (individualIds.size > 0) {
    await loaders.individual.individualById.preload(individualIds).catch(() => undefined);
  }
}
