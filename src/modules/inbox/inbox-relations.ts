import type { Loaders } from "../../context";
import type { InboxChannel, InboxPage, InboxReads } from "../channel/channel-inbox.repository";

/**
 * Hands the relations the inbox's statement read along (InboxReads) to the loaders their fields
 * use, before those fields resolve: every field then finds its value loaded and answers
 * synchronously. An author who is no individual is answered null, as individualById would.
 */
export function primeInboxRelations(loaders: Loaders, page: InboxPage, reads: InboxReads): void {
  const channels: InboxChannel[] = page.connection.nodes;
  for (const channel of channels) {
    if (channel.loadedSubscribers) {
      loaders.channel.subscribersByChannelId.primeValue(channel.id, channel.loadedSubscribers);
    }
    if (channel.loadedLastMessage !== undefined && channel.lastMessageId) {
      loaders.message.primeMessage(channel.lastMessageId, channel.loadedLastMessage);
    }
  }
  const individualById = loaders.individual.individualById;
  for (const individual of page.individuals) individualById.primeValue(individual.id, individual);
  if (reads.lastMessageAuthors) {
    for (const channel of channels) {
      const authorId = channel.loadedLastMessage?.message.authorId;
      if (authorId) individualById.primeValue(authorId, null);
    }
  }
}
