import type { Loaders } from "../../context";
import type { InboxChannel } from "../channel/channel-inbox.repository";

/**
 * Hands the relations the query selects on the inbox's channels to the loaders their fields use,
 * before those fields resolve: the subscribers (or only their ids, on the channel row) and last
 * messages (with their reactions) came with the channels (InboxReads), and so did the
 * individuals of both (else they follow in one batch). Every field then finds
 * its value loaded and answers synchronously. As with loadMany, a batch that fails here leaves
 * its fields to load, and report the error, for themselves.
 */
export async function loadInboxRelations(
  loaders: Loaders,
  channels: InboxChannel[],
  selected: Set<string>,
): Promise<void> {
  const withSubscribers = selected.has("subscribers.individual");
  const withAuthors = selected.has("lastMessage.author");
  // Distinct: the same few individuals subscribe to many channels.
  const individualIds = new Set<string>();
  for (const channel of channels) {
    const subscribers = channel.loadedSubscribers;
    if (subscribers) {
      loaders.channel.subscribersByChannelId.primeValue(channel.id, subscribers);
      if (withSubscribers) for (const row of subscribers) individualIds.add(row.individualId);
    } else if (withSubscribers) {
      for (const individualId of channel.subscriberIds) individualIds.add(individualId);
    }
    const last = channel.loadedLastMessage;
    if (last !== undefined && channel.lastMessageId) {
      loaders.message.primeMessage(channel.lastMessageId, last);
      if (withAuthors && last?.message.authorId) individualIds.add(last.message.authorId);
    }
  }
  const read = channels.find((channel) => channel.loadedIndividuals)?.loadedIndividuals;
  if (read) {
    const individuals = loaders.individual.individualById;
    for (const individual of read) individuals.primeValue(individual.id, individual);
    // The statement read every one there is: the rest are not found.
    for (const id of individualIds) individuals.primeValue(id, null);
  } else if (individualIds.size > 0) {
    await loaders.individual.individualById.preload(individualIds).catch(() => undefined);
  }
}
