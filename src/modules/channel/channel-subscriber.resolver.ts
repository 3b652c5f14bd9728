import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { ChannelPreferencesInput, SubscriberInput } from "./channel.input";
import { Channel } from "./channel.type";

/** Who subscribes to a channel, and each subscriber's own preferences. */
@Resolver(() => Channel)
export class ChannelSubscriberResolver {
  @Authorized()
  @Mutation(() => Channel, {
    description:
      "Channel or organization admins only. New subscribers start with earlier messages read.",
  })
  addChannelSubscribers(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("subscribers", () => [SubscriberInput]) subscribers: SubscriberInput[],
  ) {
    return services.channels.addSubscribers(caller, id, subscribers);
  }

  @Authorized()
  @Mutation(() => Channel, { description: "Channel or organization admins only." })
  removeChannelSubscribers(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("individualIds", () => [ID]) individualIds: string[],
  ) {
    return services.channels.removeSubscribers(caller, id, individualIds);
  }

  @Authorized()
  @Mutation(() => Channel, { description: "The caller's own notify and pinned flags." })
  setChannelPreferences(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => ChannelPreferencesInput) input: ChannelPreferencesInput,
  ) {
    return services.channels.setPreferences(caller, id, input);
  }
}
