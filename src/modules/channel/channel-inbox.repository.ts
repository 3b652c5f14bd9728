import { and, count, eq, ilike, isNotNull, isNull, or, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  channelSubscribers,
  channels,
  type ChannelRow,
  type ChannelSubscriberRow,
} from "../../db/schema";
import {
  keysetQuery,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
  type SortKey,
} from "../../lib/pagination";

export type InboxSortField = "LAST_MESSAGE_AT" | "UNREAD_COUNT" | "ACKNOWLEDGED_AT";

export interface InboxQuery {
  archived?: boolean;
  bookmarked?: boolean;
  text?: string;
  subscriptionType?: string;
  individualGroupId?: string;
  sort: InboxSortField;
  descending: boolean;
}

interface InboxRow {
  channel: ChannelRow;
  subscription: ChannelSubscriberRow;
}

export type InboxChannel = ChannelRow & { callerSubscription: ChannelSubscriberRow };

const dateKey = (column: SortKey<InboxRow>["column"], read: (row: InboxRow) => Date) => ({
  column,
  read: (row: InboxRow) => read(row).toISOString(),
  decode: (value: unknown) => new Date(String(value)),
});

/** The sort column lives on the subscription row, so each order is one index range scan. */
const SORT_KEYS: Record<InboxSortField, Omit<SortKey<InboxRow>, "descending">> = {
  LAST_MESSAGE_AT: dateKey(
    channelSubscribers.lastMessageAt,
    (row) => row.subscription.lastMessageAt,
  ),
  ACKNOWLEDGED_AT: dateKey(
    channelSubscribers.acknowledgedAt,
    (row) => row.subscription.acknowledgedAt,
  ),
  UNREAD_COUNT: {
    column: channelSubscribers.unreadCount,
    read: (row) => row.subscription.unreadCount,
  },
};

/** Seed 002 communication-messages: one individual's channels, as their inbox. */
export class ChannelInboxRepository {
  constructor(private readonly db: Executor) {}

  async list(
    organizationId: string,
    individualId: string,
    query: InboxQuery,
    args: PageArgs,
  ): Promise<Connection<InboxChannel>> {
    const keys: SortKey<InboxRow>[] = [
      { ...SORT_KEYS[query.sort], descending: query.descending },
      {
        column: channelSubscribers.channelId,
        descending: query.descending,
        read: (row) => row.channel.id,
      },
    ];
    const filter = this.filter(organizationId, individualId, query);
    const page = parsePageArgs(args, keys.length);
    const keyset = keysetQuery(keys, page);
    const rows = await this.db
      .select({ channel: channels, subscription: channelSubscribers })
      .from(channelSubscribers)
      .innerJoin(channels, this.joinOn)
      .where(and(filter, keyset.where))
      .orderBy(...keyset.orderBy)
      .limit(keyset.limit);
    return toConnection(
      rows,
      page,
      keys,
      async () => {
        const [{ total }] = await this.db
          .select({ total: count() })
          .from(channelSubscribers)
          .innerJoin(channels, this.joinOn)
          .where(filter);
        return total;
      },
      (row) => ({ ...row.channel, callerSubscription: row.subscription }),
    );
  }

  private readonly joinOn = and(
    eq(channels.organizationId, channelSubscribers.organizationId),
    eq(channels.id, channelSubscribers.channelId),
  );

  private filter(organizationId: string, individualId: string, query: InboxQuery) {
    const conditions: (SQL | undefined)[] = [
      eq(channelSubscribers.organizationId, organizationId),
      eq(channelSubscribers.individualId, individualId),
    ];
    if (query.archived != null) conditions.push(eq(channels.archived, query.archived));
    if (query.bookmarked != null) {
      conditions.push(
        query.bookmarked
          ? isNotNull(channelSubscribers.bookmarkMessageId)
          : isNull(channelSubscribers.bookmarkMessageId),
      );
    }
    if (query.text) {
      const pattern = `%${query.text.replace(/[\\%_]/g, "\\$&")}%`;
      conditions.push(or(ilike(channels.name, pattern), ilike(channels.label, pattern)));
    }
    if (query.subscriptionType) {
      conditions.push(eq(channels.subscriptionType, query.subscriptionType));
    }
    if (query.individualGroupId) {
      conditions.push(eq(channels.individualGroupId, query.individualGroupId));
    }
    return and(...conditions);
  }
}
