import type { Caller } from "../../auth/caller";
import type { MessageReactionRow, MessageRow } from "../../db/schema";
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
  /** Records a message read by another statement (null: not found), with its reactions if read. */
  const primeMessage = (
    id: string,
    found: { message: MessageRow; reactions?: MessageReactionRow[] } | null,
  ): void => {
    messageById.primeValue(id, found?.message ?? null);
    if (found?.reactions) reactionsByMessageId.primeValue(id, found.reactions);
  };
  return {
    messageById,
    reactionsByMessageId,
    primeMessage,
  };
}

export type MessageLoaders = ReturnType<typeof createMessageLoaders>;
