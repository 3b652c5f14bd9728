import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { nodeFieldPaths } from "../../graphql/selection";
import { PageArgsType } from "../../lib/connection";
import { ChannelConnection, subscriberIdsSuffice } from "../channel/channel.type";
import { InboxFilter, InboxSort } from "./inbox.input";
import { loadInboxRelations } from "./inbox-relations";

@Resolver()
export class InboxResolver {
  @Authorized()
  @Query(() => ChannelConnection, {
    description:
      "Seed 002 communication-messages: the caller's channels with last message, unread count and bookmark.",
  })
  async inbox(
    @Ctx() { services, loaders }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => InboxFilter, { nullable: true }) filter?: InboxFilter,
    @Arg("sort", () => InboxSort, { nullable: true }) sort?: InboxSort,
  ) {
    const selected = nodeFieldPaths(info);
    const subscriberFields = [...selected]
      .filter((path) => path.startsWith("subscribers."))
      .map((path) => path.slice("subscribers.".length));
    const connection = await services.inbox.list(caller, filter, sort, page, {
      // Channel.subscribers answers from the channel's subscriber_ids when they suffice.
      subscribers: selected.has("subscribers") && !subscriberIdsSuffice(subscriberFields),
      lastMessages: selected.has("lastMessage"),
      lastMessageReactions: selected.has("lastMessage.reactions"),
      subscriberIndividuals: selected.has("subscribers.individual"),
      lastMessageAuthors: selected.has("lastMessage.author"),
    });
    await loadInboxRelations(loaders, connection.nodes, selected);
    return connection;
  }
}
