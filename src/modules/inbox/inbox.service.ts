import type { Caller } from "../../auth/caller";
import { BadUserInputError } from "../../lib/errors";
import { parseId } from "../../lib/ids";
import type { PageArgs } from "../../lib/pagination";
import { checkMaxLength } from "../../lib/validate";
import type { InboxReads } from "../channel/channel-inbox.repository";
import type { ChannelService } from "../channel/channel.service";
import { SUBSCRIPTION_TYPES } from "../channel/channel.type";
import { SortDirection, type InboxFilter, type InboxSort } from "./inbox.input";

const TEXT_MAX = 512;

/** Seed 002 communication-messages: the caller's channels, newest activity first by default. */
export class InboxService {
  constructor(private readonly channels: ChannelService) {}

  list(
    caller: Caller,
    filter: InboxFilter | undefined,
    sort: InboxSort | undefined,
    page: PageArgs,
    reads: InboxReads = {},
  ) {
    checkMaxLength(filter?.text, TEXT_MAX, "filter.text");
    if (filter?.type && !(SUBSCRIPTION_TYPES as readonly string[]).includes(filter.type)) {
      throw new BadUserInputError(
        "filter.type",
        `filter.type must be one of ${SUBSCRIPTION_TYPES.join(", ")}`,
      );
    }
    return this.channels.inbox(
      caller,
      {
        archived: filter?.archived ?? undefined,
        bookmarked: filter?.bookmarked ?? undefined,
        text: filter?.text?.trim() || undefined,
        subscriptionType: filter?.type ?? undefined,
        individualGroupId: filter?.individualGroupId
          ? parseId(filter.individualGroupId, "filter.individualGroupId")
          : undefined,
        sort: sort?.field ?? "LAST_MESSAGE_AT",
        descending: (sort?.direction ?? SortDirection.DESC) === SortDirection.DESC,
        reads,
      },
      page,
    );
  }
}
