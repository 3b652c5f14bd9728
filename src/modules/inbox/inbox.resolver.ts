import { Arg, Args, Authorized, Ctx, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PageArgsType } from "../../lib/connection";
import { ChannelConnection } from "../channel/channel.type";
import { InboxFilter, InboxSort } from "./inbox.input";

@Resolver()
export class InboxResolver {
  @Authorized()
  @Query(() => ChannelConnection, {
    description:
      "Seed 002 communication-messages: the caller's channels with last message, unread count and bookmark.",
  })
  inbox(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => InboxFilter, { nullable: true }) filter?: InboxFilter,
    @Arg("sort", () => InboxSort, { nullable: true }) sort?: InboxSort,
  ) {
    return services.inbox.list(caller, filter, sort, page);
  }
}
