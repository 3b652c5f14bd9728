import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";
import { Arg, Args, Authorized, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PageArgsType } from "../../lib/connection";
import { ChannelConnection } from "../channel/channel.type";
import { InboxFilter, InboxSort } from "./inbox.input";

/** The fields selected on the connection's nodes (`nodes { … }` or `edges { node { … } }`). */
function nodeFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, depth: number, inNode: boolean) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === "Field") {
        const name = selection.name.value;
        if (inNode) names.add(name);
        else if (depth < 2 && (name === "nodes" || name === "edges" || name === "node")) {
          visit(selection.selectionSet, depth + 1, name !== "edges");
        }
      } else if (selection.kind === "InlineFragment") {
        visit(selection.selectionSet, depth, inNode);
      } else {
        visit(info.fragments[selection.name.value]?.selectionSet, depth, inNode);
      }
    }
  };
  for (const field of info.fieldNodes) visit(field.selectionSet, 0, false);
  return names;
}

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
    const connection = await services.inbox.list(caller, filter, sort, page);
    // Loading both relations up front lets the individuals of subscribers and of last messages'
    // authors go out as one batch, whatever order the two queries answer in.
    const fields = nodeFields(info);
    const channelIds = connection.nodes.map((channel) => channel.id);
    const lastMessageIds = connection.nodes
      .map((channel) => channel.lastMessageId)
      .filter((id): id is string => id !== null);
    await Promise.all([
      fields.has("subscribers") && loaders.channel.subscribersByChannelId.loadMany(channelIds),
      fields.has("lastMessage") && loaders.message.messageById.loadMany(lastMessageIds),
    ]);
    return connection;
  }
}
