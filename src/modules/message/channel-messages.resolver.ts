import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Resolver,
  Root,
} from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PageArgsType } from "../../lib/connection";
import { callerSubscription, type ChannelNode } from "../channel/channel.resolver";
import { Channel } from "../channel/channel.type";
import { MessageFilter } from "./message.input";
import { Message, MessageConnection } from "./message.type";

/** Channel.lastMessage as a plain resolver for schema.ts (see channelFieldResolvers). */
export const channelMessageFieldResolvers = {
  lastMessage(channel: ChannelNode, _args: unknown, { loaders }: RequestContext) {
    return channel.lastMessageId
      ? loaders.message.messageById.loadValue(channel.lastMessageId)
      : null;
  },
};

/** The messages side of a channel. */
@Resolver(() => Channel)
export class ChannelMessagesResolver {
  @Authorized()
  @Mutation(() => Channel, {
    description:
      "Turns the SMS path on (CONFLICT unless canEnableSms) or off, optionally posting an initial message.",
  })
  setChannelSms(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Arg("initialMessage", () => String, { nullable: true }) initialMessage?: string,
  ) {
    return services.messages.setChannelSms(caller, id, enabled, initialMessage);
  }

  @FieldResolver(() => MessageConnection, { description: "Oldest first (keyset by id)." })
  async messages(
    @Root() channel: ChannelNode,
    @Ctx() { services, loaders }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => MessageFilter, { nullable: true }) filter?: MessageFilter,
  ) {
    const horizon =
      filter?.acknowledged != null
        ? ((await callerSubscription(channel, loaders))?.horizonMessageId ?? null)
        : null;
    return services.messages.list(caller, channel.id, horizon, filter, page);
  }

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() channel: ChannelNode, @Ctx() context: RequestContext) {
    return channelMessageFieldResolvers.lastMessage(channel, {}, context);
  }

  @FieldResolver(() => Message, { nullable: true, description: "The caller's bookmark." })
  async bookmark(@Root() channel: ChannelNode, @Ctx() { loaders }: RequestContext) {
    const bookmarkId = (await callerSubscription(channel, loaders))?.bookmarkMessageId;
    return bookmarkId ? loaders.message.messageById.load(bookmarkId) : null;
  }
}
