import type { Caller } from "../../auth/caller";
import type { MessageRow } from "../../db/schema";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { MessageService } from "./message.service";
import type { ReactionService } from "./reaction.service";

/** Loaders bound to one caller's organization: every batch query filters on it. */
export function createMessageLoaders(
  messages: MessageService,
  reactions: ReactionService,
  caller: Caller,
) {
  const messageById = oneByKey(
    (ids: readonly string[]) => messages.findByIds(caller.organizationId, ids),
    (row) => row.id,
  );
  const reactionsByMessageId = manyByKey(
    (messageIds: readonly string[]) =>
      reactions.findByMessageIds(caller.organizationId, messageIds),
    (row) => row.messageId,
  );
  return {
    messageById,
    reactionsByMessageId,
    /**
     * Answers messageById and reactionsByMessageId for these ids with one statement instead of
     * one each; the messages found, in no particular order.
     */
    async loadWithReactions(ids: readonly string[]): Promise<MessageRow[]> {
      const found = await messages.findByIdsWithReactions(caller.organizationId, ids);
      for (const { message, reactions: list } of found) {
        messageById.primeValue(message.id, message);
        reactionsByMessageId.primeValue(message.id, list);
      }
      if (found.length < ids.length) {
        const seen = new Set(found.map(({ message }) => message.id));
        for (const id of ids) if (!seen.has(id)) messageById.primeValue(id, null);
      }
      return found.map(({ message }) => message);
    },
  };
}

export type MessageLoaders = ReturnType<typeof createMessageLoaders>;
