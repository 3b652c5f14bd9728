import type { Caller } from "../../auth/caller";
import type { Database } from "../../db/client";
import type { MessageReactionRow, MessageRow, ReactionTypeValue } from "../../db/schema";
import { ConflictError, ForbiddenError } from "../../lib/errors";
import type { ChannelService } from "../channel/channel.service";
import type { MessageRepository } from "./message.repository";
import type { MessageService } from "./message.service";

/** Seed 002 reactions: one per individual and type on a message. */
export class ReactionService {
  constructor(
    private readonly db: Database,
    private readonly repository: MessageRepository,
    private readonly messages: MessageService,
    private readonly channels: ChannelService,
  ) {}

  findByMessageIds(
    organizationId: string,
    messageIds: readonly string[],
  ): Promise<MessageReactionRow[]> {
    return this.repository.findReactionsByMessageIds(organizationId, messageIds);
  }

  async add(caller: Caller, messageId: string, type: ReactionTypeValue): Promise<MessageRow> {
    return this.db.transaction(async (tx) => {
      const message = await this.messages.require(caller, messageId, "input.messageId", tx);
      const channel = await this.channels.require(caller, message.channelId, "id", tx);
      if (channel.archived) {
        throw new ConflictError(`Channel ${channel.id} is archived; no reactions can be added`);
      }
      const [subscription] = await this.channels.findSubscriptionsIn(tx, caller, [channel.id]);
      if (!subscription && !caller.roles.includes("admin")) {
        throw new ForbiddenError(`Only subscribers of channel ${channel.id} may react`);
      }
      const added = await this.repository.insertReaction(tx, {
        organizationId: caller.organizationId,
        messageId: message.id,
        individualId: caller.individualId,
        type,
      });
      if (!added) throw new ConflictError(`You already reacted ${type} to message ${messageId}`);
      return message;
    });
  }

  async remove(caller: Caller, messageId: string, type: ReactionTypeValue): Promise<MessageRow> {
    return this.db.transaction(async (tx) => {
      const message = await this.messages.require(caller, messageId, "input.messageId", tx);
      const removed = await this.repository.deleteReaction(
        tx,
        caller.organizationId,
        message.id,
        caller.individualId,
        type,
      );
      if (!removed) throw new ConflictError(`You have no ${type} reaction on message ${messageId}`);
      return message;
    });
  }
}
