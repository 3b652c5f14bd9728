import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PageArgsType } from "../../lib/connection";
import type { InboxReads } from "../channel/channel-inbox.repository";
import { ChannelConnection } from "../channel/channel.type";
import { InboxFilter, InboxSort } from "./inbox.input";
import { primeInboxRelations } from "./inbox-relations";
import { nodeFieldPaths } from "./inbox-selection";

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
    const reads: InboxReads = {
      subscribers: selected.has("subscribers"),
      subscriberIndividuals: selected.has("subscribers.individual"),
      lastMessages: selected.has("lastMessage"),
      lastMessageReactions: selected.has("lastMessage.reactions"),
      lastMessageAuthors: selected.has("lastMessage.author"),
    };
    const inboxPage = await services.inbox.list(caller, filter, sort, page, reads);
    primeInboxRelations(loaders, inboxPage, reads);
    return inboxPage.connection;
  }
}
