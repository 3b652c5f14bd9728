import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import type { MessageReactionRow, MessageRow } from "../../db/schema";
import { selectedFields } from "../../graphql/selection";
import { parseId } from "../../lib/ids";
import { whenLoaded, type MaybePromise } from "../../lib/loader";
import { Channel } from "../channel/channel.type";
import { withIndividuals } from "../individual/individual.relation";
import { Individual } from "../individual/individual.type";
import { PostMessageInput, UpdateMessageInput } from "./message.input";
import { Message, MessageReceipts, Reaction, ReadReceipt } from "./message.type";
import { visibleTo } from "./message.service";
import { receiptsOf } from "./receipts";

/** Reaction nodes with their individuals on them (Reaction.individual is a property). */
function reactionNodes(rows: MessageReactionRow[], loaders: RequestContext["loaders"]) {
  return withIndividuals(
    rows.map(({ type, individualId, createdAt }) => ({ type, individualId, createdAt })),
    loaders,
  );
}

/**
 * Message fields that resolve once per message of an inbox or channel page, as plain graphql-js
 * resolvers for schema.ts (see channelFieldResolvers); the decorated methods below declare them.
 */
export const messageFieldResolvers = {
  body(message: MessageRow): string {
    return message.removed ? "" : message.body;
  },
  channel(message: MessageRow, _args: unknown, { loaders }: RequestContext) {
    return loaders.channel.channelById.loadValue(message.channelId);
  },
  author(message: MessageRow, _args: unknown, { loaders }: RequestContext) {
    return message.authorId ? loaders.individual.individualById.loadValue(message.authorId) : null;
  },
  acknowledged(
    message: MessageRow,
    _args: unknown,
    { loaders }: RequestContext,
  ): MaybePromise<boolean> {
    return whenLoaded(
      loaders.channel.callerSubscriptionByChannelId.loadValue(message.channelId),
      (subscription) =>
        !!subscription?.horizonMessageId && message.id <= subscription.horizonMessageId,
    );
  },
  reactions(
    message: MessageRow,
    _args: unknown,
    { loaders }: RequestContext,
    info: GraphQLResolveInfo,
  ) {
    const reactions = loaders.message.reactionsByMessageId.loadValue(message.id);
    if (!selectedFields(info).has("individual")) return reactions;
    return whenLoaded(reactions, (rows) => reactionNodes(rows, loaders));
  },
  readReceipts(
    message: MessageRow,
    _args: unknown,
    { loaders }: RequestContext,
    info: GraphQLResolveInfo,
  ): MaybePromise<ReadReceipt[]> {
    const withIndividual = selectedFields(info).has("individual");
    return whenLoaded(
      loaders.channel.subscribersByChannelId.loadValue(message.channelId),
      (subscribers) => {
        const receipts = receiptsOf(message, subscribers).read;
        return withIndividual ? withIndividuals(receipts, loaders) : receipts;
      },
    );
  },
};

@Resolver(() => Message)
export class MessageResolver {
  @Authorized()
  @Query(() => Message, { nullable: true })
  async message(
    @Ctx() { loaders }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    const message = await loaders.message.messageById.load(parseId(id));
    return visibleTo(message, caller) ? message : null;
  }

  @Authorized()
  @Query(() => MessageReceipts, { description: "Who among the subscribers has read it." })
  async messageReceipts(
    @Ctx() { services, loaders }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ): Promise<MessageReceipts> {
    const message = await services.messages.require(caller, id);
    const subscribers = await loaders.channel.subscribersByChannelId.load(message.channelId);
    const receipts = receiptsOf(message, subscribers);
    // ReadReceipt.individual is a property (withIndividuals): one batch for both lists.
    await withIndividuals([...receipts.read, ...receipts.unread], loaders);
    return receipts;
  }

  @Authorized()
  @Mutation(() => Message, {
    description: "Subscribers (or organization admins) only; CONFLICT on an archived channel.",
  })
  postMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => PostMessageInput) input: PostMessageInput,
  ) {
    return services.messages.post(caller, input);
  }

  @Authorized()
  @Mutation(() => Message, { description: "The author only; draft: false posts a draft." })
  updateMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateMessageInput) input: UpdateMessageInput,
  ) {
    return services.messages.update(caller, id, input);
  }

  @Authorized()
  @Mutation(() => Message, { description: "Soft removal by the author or an admin." })
  removeMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.messages.remove(caller, id);
  }

  @Authorized()
  @Mutation(() => Message, {
    description:
      "Marks this message and every earlier one in its channel read for the caller; never moves the read horizon back unless allowPast.",
  })
  acknowledgeMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("allowPast", () => Boolean, { defaultValue: false }) allowPast: boolean,
  ) {
    return services.messages.acknowledge(caller, id, allowPast);
  }

  @Authorized()
  @Mutation(() => Channel, { description: "Sets (or clears) the caller's bookmark." })
  bookmarkMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("bookmarked", () => Boolean, { defaultValue: true }) bookmarked: boolean,
  ) {
    return services.messages.bookmark(caller, id, bookmarked);
  }

  @FieldResolver(() => String, { description: "Empty once removed." })
  body(@Root() message: MessageRow): string {
    return messageFieldResolvers.body(message);
  }

  @FieldResolver(() => Channel)
  channel(@Root() message: MessageRow, @Ctx() context: RequestContext) {
    return messageFieldResolvers.channel(message, {}, context);
  }

  @FieldResolver(() => Individual, { nullable: true })
  author(@Root() message: MessageRow, @Ctx() context: RequestContext) {
    return messageFieldResolvers.author(message, {}, context);
  }

  @FieldResolver(() => Boolean, { description: "Within the caller's read horizon." })
  acknowledged(@Root() message: MessageRow, @Ctx() context: RequestContext): MaybePromise<boolean> {
    return messageFieldResolvers.acknowledged(message, {}, context);
  }

  @FieldResolver(() => [Reaction])
  reactions(
    @Root() message: MessageRow,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return messageFieldResolvers.reactions(message, {}, context, info);
  }

  @FieldResolver(() => [ReadReceipt], { description: "The subscribers who have read it." })
  readReceipts(
    @Root() message: MessageRow,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): MaybePromise<ReadReceipt[]> {
    return messageFieldResolvers.readReceipts(message, {}, context, info);
  }
}
