import type { Caller } from "../../auth/caller";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { ChannelService } from "./channel.service";

/** Loaders bound to one caller's organization: every batch query filters on it. */
export function createChannelLoaders(channels: ChannelService, caller: Caller) {
  return {
    channelById: oneByKey(
      (ids: readonly string[]) => channels.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    subscribersByChannelId: manyByKey(
      (channelIds: readonly string[]) =>
        channels.findSubscriberFieldsByChannelIds(caller.organizationId, channelIds),
      (row) => row.channelId,
    ),
    /** The caller's own subscription (read horizon, unread count, bookmark) per channel. */
    callerSubscriptionByChannelId: oneByKey(
      (channelIds: readonly string[]) =>
        channels.findSubscriptions(caller.organizationId, caller.individualId, channelIds),
      (row) => row.channelId,
    ),
  };
}

export type ChannelLoaders = ReturnType<typeof createChannelLoaders>;
