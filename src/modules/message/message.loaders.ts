import type { Caller } from "../../auth/caller";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { MessageService } from "./message.service";
import type { ReactionService } from "./reaction.service";

/** Loaders bound to one caller's organization: every batch query filters on it. */
export function createMessageLoaders(
  messages: MessageService,
  reactions: ReactionService,
  caller: Caller,
) {
  return {
    messageById: oneByKey(
      (ids: readonly string[]) => messages.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    reactionsByMessageId: manyByKey(
      (messageIds: readonly string[]) =>
        reactions.findByMessageIds(caller.organizationId, messageIds),
      (row) => row.messageId,
    ),
  };
}

export type MessageLoaders = ReturnType<typeof createMessageLoaders>;
