import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import type { ChannelRow, ChannelSubscriberRow, IndividualRow } from "../../db/schema";
import { selectedFields } from "../../graphql/selection";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { whenLoaded, type MaybePromise } from "../../lib/loader";
import { withIndividuals } from "../individual/individual.relation";
import { Individual, IndividualGroup } from "../individual/individual.type";
import { ChannelFilter, CreateChannelInput, UpdateChannelInput } from "./channel.input";
import type { SubscriberFieldsRow } from "./channel.repository";
import { Channel, ChannelConnection, Subscriber, subscriberIdsSuffice } from "./channel.type";

/** A channel row, with the caller's subscription when the query already joined it (inbox). */
export type ChannelNode = ChannelRow & { callerSubscription?: ChannelSubscriberRow | null };

export function callerSubscription(
  channel: ChannelNode,
  loaders: RequestContext["loaders"],
): MaybePromise<ChannelSubscriberRow | null> {
  if (channel.callerSubscription !== undefined) return channel.callerSubscription;
  return loaders.channel.callerSubscriptionByChannelId.loadValue(channel.id);
}

/**
 * A subscriber as Subscriber's fields read it, its individual on it; from the channel's
 * subscriber_ids alone (no flags) when the query selects nothing else of it.
 */
export type SubscriberNode = Partial<
  Pick<SubscriberFieldsRow, "admin" | "pinned" | "autoSignUp" | "notify">
> & { individualId: string; individual: IndividualRow | null };

/** Nodes of subscribers known by id alone (channels.subscriber_ids). */
function idNodes(individualIds: readonly string[]): SubscriberNode[] {
  const nodes = new Array<SubscriberNode>(individualIds.length);
  for (let index = 0; index < nodes.length; index += 1) {
    nodes[index] = { individualId: individualIds[index], individual: null };
  }
  return nodes;
}

/** Nodes of subscribers with their flags, from their rows (which hold more). */
function rowNodes(rows: readonly SubscriberFieldsRow[]): SubscriberNode[] {
  const nodes = new Array<SubscriberNode>(rows.length);
  for (let index = 0; index < nodes.length; index += 1) {
    const { individualId, admin, pinned, autoSignUp, notify } = rows[index];
    nodes[index] = { individualId, admin, pinned, autoSignUp, notify, individual: null };
  }
  return nodes;
}

/**
 * Channel fields that resolve once per channel of an inbox page, as plain graphql-js resolvers
 * that schema.ts puts in place of type-graphql's wrapper, which on every call copies the row into
 * a new Channel and sorts a copy of the parameter list (a sixth of the inbox's allocations). The
 * decorated methods below declare the fields and answer the same.
 */
export const channelFieldResolvers = {
  subscribers(
    channel: ChannelNode,
    _args: unknown,
    { loaders }: RequestContext,
    info: GraphQLResolveInfo,
  ): MaybePromise<SubscriberFieldsRow[] | SubscriberNode[]> {
    const fields = selectedFields(info);
    if (subscriberIdsSuffice(fields) && channel.subscriberIds) {
      return withIndividuals(idNodes(channel.subscriberIds), loaders);
    }
    const subscribers = loaders.channel.subscribersByChannelId.loadValue(channel.id);
    if (!fields.has("individual")) return subscribers;
    return whenLoaded(subscribers, (rows) => withIndividuals(rowNodes(rows), loaders));
  },
  unreadCount(channel: ChannelNode, _args: unknown, { loaders }: RequestContext) {
    return whenLoaded(
      callerSubscription(channel, loaders),
      (subscription) => subscription?.unreadCount ?? 0,
    );
  },
  acknowledgedAt(channel: ChannelNode, _args: unknown, { loaders }: RequestContext) {
    return whenLoaded(callerSubscription(channel, loaders), (subscription) =>
      subscription?.horizonMessageId ? subscription.acknowledgedAt : null,
    );
  },
};

@Resolver(() => Channel)
export class ChannelResolver {
  @Authorized()
  @Query(() => ChannelConnection, { description: "Seed 002 GET /messaging-channels." })
  channels(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => ChannelFilter, { nullable: true }) filter?: ChannelFilter,
  ) {
    return services.channels.list(caller, filter, page);
  }

  @Authorized()
  @Query(() => Channel, { nullable: true })
  channel(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.channel.channelById.load(parseId(id));
  }

  @Authorized("admin", "agent")
  @Mutation(() => Channel)
  createChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateChannelInput) input: CreateChannelInput,
  ) {
    return services.channels.create(caller, input);
  }

  @Authorized()
  @Mutation(() => Channel, { description: "Channel or organization admins only." })
  updateChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateChannelInput) input: UpdateChannelInput,
  ) {
    return services.channels.update(caller, id, input);
  }

  @Authorized()
  @Mutation(() => Channel, { description: "No posts or changes until unarchived." })
  archiveChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.channels.setArchived(caller, id, true);
  }

  @Authorized()
  @Mutation(() => Channel)
  unarchiveChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.channels.setArchived(caller, id, false);
  }

  @FieldResolver(() => IndividualGroup, { nullable: true })
  individualGroup(@Root() channel: ChannelNode, @Ctx() { loaders }: RequestContext) {
    return channel.individualGroupId
      ? loaders.individual.individualGroupById.load(channel.individualGroupId)
      : null;
  }

  @FieldResolver(() => [Subscriber])
  subscribers(
    @Root() channel: ChannelNode,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return channelFieldResolvers.subscribers(channel, {}, context, info);
  }

  @FieldResolver(() => Individual, { nullable: true })
  createdBy(@Root() channel: ChannelNode, @Ctx() { loaders }: RequestContext) {
    return channel.createdBy ? loaders.individual.individualById.load(channel.createdBy) : null;
  }

  @FieldResolver(() => Boolean, {
    description: "Some subscriber has a phone number that has not opted out of texts.",
  })
  async canEnableSms(
    @Root() channel: ChannelNode,
    @Ctx() { loaders }: RequestContext,
  ): Promise<boolean> {
    const subscribers = await loaders.channel.subscribersByChannelId.load(channel.id);
    const individuals = await loaders.individual.individualById.loadMany(
      subscribers.map((subscriber) => subscriber.individualId),
    );
    const phones = individuals
      .map((individual) => (individual as IndividualRow | null)?.phoneNumber)
      .filter((phone): phone is string => !!phone);
    const preferences = await loaders.contactPreference.preferenceByContact.loadMany(phones);
    return preferences.some(
      (preference) => !(preference instanceof Error) && !preference?.doNotText,
    );
  }

  @FieldResolver(() => Int, { description: "Messages by others after the caller's read horizon." })
  unreadCount(@Root() channel: ChannelNode, @Ctx() context: RequestContext): MaybePromise<number> {
    return channelFieldResolvers.unreadCount(channel, {}, context);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: "When the caller last acknowledged a message here.",
  })
  acknowledgedAt(
    @Root() channel: ChannelNode,
    @Ctx() context: RequestContext,
  ): MaybePromise<Date | null> {
    return channelFieldResolvers.acknowledgedAt(channel, {}, context);
  }
}
