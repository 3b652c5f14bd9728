import { and, eq, exists, gt, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { selectRows, type Executor } from "../../db/client";
import {
  channelSubscribers,
  channels,
  type ChannelRow,
  type ChannelSubscriberRow,
  type NewChannelRow,
  type NewChannelSubscriberRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";
import { rawRowMapper } from "../../lib/raw-rows";

export interface ChannelListFilter {
  archived?: boolean;
  floating?: boolean;
  individualGroupId?: string;
  subscriberIds: string[];
  modifiedBefore?: Date;
  modifiedAfter?: Date;
}

type SubscriberChanges = Partial<
  Pick<
    ChannelSubscriberRow,
    | "notify"
    | "pinned"
    | "bookmarkMessageId"
    | "horizonMessageId"
    | "acknowledgedAt"
    | "unreadCount"
  >
>;

const subscribersOf = (organizationId: string, channelIds: readonly string[]) =>
  and(
    eq(channelSubscribers.organizationId, organizationId),
    inArray(channelSubscribers.channelId, [...channelIds]),
  );

const SUBSCRIBER_ORDER = [
  channelSubscribers.channelId,
  channelSubscribers.createdAt,
  channelSubscribers.individualId,
];

/**
 * What the graph reads of a subscriber (its fields, read receipts, canEnableSms): the loader's
 * rows. The inbox reads ten per channel, and every column left out is one value fewer for pg to
 * parse and Drizzle to map (the timestamps each a Date).
 */
export const SUBSCRIBER_FIELDS = {
  channelId: channelSubscribers.channelId,
  individualId: channelSubscribers.individualId,
  admin: channelSubscribers.admin,
  pinned: channelSubscribers.pinned,
  autoSignUp: channelSubscribers.autoSignUp,
  notify: channelSubscribers.notify,
  horizonMessageId: channelSubscribers.horizonMessageId,
  acknowledgedAt: channelSubscribers.acknowledgedAt,
};

export type SubscriberFieldsRow = Pick<ChannelSubscriberRow, keyof typeof SUBSCRIBER_FIELDS>;

const toSubscriberFields = rawRowMapper<SubscriberFieldsRow>(SUBSCRIBER_FIELDS);

/** Seed 002 messaging-channels and their subscribers. */
export class ChannelRepository {
  constructor(private readonly db: Executor) {}

  async insert(
    executor: Executor,
    channel: NewChannelRow,
    subscribers: NewChannelSubscriberRow[],
  ): Promise<ChannelRow> {
    const [created] = await executor.insert(channels).values(channel).returning();
    if (subscribers.length === 0) return created;
    await this.insertSubscribers(executor, subscribers);
    // Read again: the subscribers' insert filled in its subscriber_ids.
    const [withSubscribers] = await this.findByIds(created.organizationId, [created.id], executor);
    return withSubscribers;
  }

  findByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<ChannelRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return executor
      .select()
      .from(channels)
      .where(and(eq(channels.organizationId, organizationId), inArray(channels.id, [...ids])));
  }

  /** Locks the channel row for the rest of the transaction. */
  async lock(
    executor: Executor,
    organizationId: string,
    id: string,
  ): Promise<ChannelRow | undefined> {
    const [row] = await executor
      .select()
      .from(channels)
      .where(tenantRow(channels, organizationId, id))
      .for("update");
    return row;
  }

  async update(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewChannelRow>,
  ): Promise<ChannelRow> {
    const [updated] = await executor
      .update(channels)
      .set({ ...changes, lastModifiedAt: new Date() })
      .where(tenantRow(channels, organizationId, id))
      .returning();
    return updated;
  }

  list(
    organizationId: string,
    filter: ChannelListFilter,
    args: PageArgs,
  ): Promise<Connection<ChannelRow>> {
    const conditions: (SQL | undefined)[] = [eq(channels.organizationId, organizationId)];
    if (filter.archived != null) conditions.push(eq(channels.archived, filter.archived));
    if (filter.floating != null) conditions.push(eq(channels.floating, filter.floating));
    if (filter.individualGroupId) {
      conditions.push(eq(channels.individualGroupId, filter.individualGroupId));
    }
    if (filter.modifiedBefore) conditions.push(lt(channels.lastModifiedAt, filter.modifiedBefore));
    if (filter.modifiedAfter) conditions.push(gt(channels.lastModifiedAt, filter.modifiedAfter));
    for (const individualId of filter.subscriberIds) {
      conditions.push(
        exists(
          this.db
            .select({ one: sql`1` })
            .from(channelSubscribers)
            .where(
              and(
                eq(channelSubscribers.organizationId, channels.organizationId),
                eq(channelSubscribers.channelId, channels.id),
                eq(channelSubscribers.individualId, individualId),
              ),
            ),
        ),
      );
    }
    return fetchPage(
      args,
      byId(channels.id),
      and(...conditions),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(channels)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(channels, where),
    );
  }

  async insertSubscribers(executor: Executor, rows: NewChannelSubscriberRow[]): Promise<void> {
    if (!rows.length) return;
    await executor.insert(channelSubscribers).values(rows).onConflictDoNothing();
  }

  async deleteSubscribers(
    executor: Executor,
    organizationId: string,
    channelId: string,
    individualIds: string[],
  ): Promise<void> {
    await executor
      .delete(channelSubscribers)
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.channelId, channelId),
          inArray(channelSubscribers.individualId, individualIds),
        ),
      );
  }

  findSubscribersByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
    executor: Executor = this.db,
  ): Promise<ChannelSubscriberRow[]> {
    if (!channelIds.length) return Promise.resolve([]);
    return executor
      .select()
      .from(channelSubscribers)
      .where(subscribersOf(organizationId, channelIds))
      .orderBy(...SUBSCRIBER_ORDER);
  }

  /** Like findSubscribersByChannelIds, with only the columns the graph reads. */
  async findSubscriberFieldsByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
  ): Promise<SubscriberFieldsRow[]> {
    if (!channelIds.length) return [];
    // Raw rows, mapped by toSubscriberFields instead of Drizzle's per-value mapping.
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      this.db
        .select(SUBSCRIBER_FIELDS)
        .from(channelSubscribers)
        .where(subscribersOf(organizationId, channelIds))
        .orderBy(...SUBSCRIBER_ORDER),
    );
    return rows.map(toSubscriberFields);
  }

  /** One individual's subscriptions among the channels. */
  findSubscriptions(
    organizationId: string,
    individualId: string,
    channelIds: readonly string[],
    executor: Executor = this.db,
  ): Promise<ChannelSubscriberRow[]> {
    if (!channelIds.length) return Promise.resolve([]);
    return executor
      .select()
      .from(channelSubscribers)
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.individualId, individualId),
          inArray(channelSubscribers.channelId, [...channelIds]),
        ),
      );
  }

  /** Per recipient, a direct-message channel that the sender and the recipient subscribe to. */
  async findDirectChannels(
    executor: Executor,
    organizationId: string,
    senderId: string,
    recipientIds: string[],
  ): Promise<Map<string, string>> {
    if (!recipientIds.length) return new Map();
    const recipient = alias(channelSubscribers, "recipient");
    const rows = await executor
      .select({ channelId: channelSubscribers.channelId, recipientId: recipient.individualId })
      .from(channelSubscribers)
      .innerJoin(
        recipient,
        and(
          eq(recipient.organizationId, channelSubscribers.organizationId),
          eq(recipient.channelId, channelSubscribers.channelId),
          inArray(recipient.individualId, recipientIds),
        ),
      )
      .innerJoin(
        channels,
        and(
          eq(channels.organizationId, channelSubscribers.organizationId),
          eq(channels.id, channelSubscribers.channelId),
          eq(channels.subscriptionType, "direct-message"),
          eq(channels.archived, false),
        ),
      )
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.individualId, senderId),
        ),
      )
      .orderBy(channelSubscribers.channelId);
    const byRecipient = new Map<string, string>();
    for (const row of rows) {
      if (!byRecipient.has(row.recipientId)) byRecipient.set(row.recipientId, row.channelId);
    }
    return byRecipient;
  }

  /** Every subscription of one individual, with the channel's subscription type. */
  findSubscriptionsOfIndividual(organizationId: string, individualId: string) {
    return this.db
      .select({
        channelId: channelSubscribers.channelId,
        subscriptionType: channels.subscriptionType,
        horizonMessageId: channelSubscribers.horizonMessageId,
        unreadCount: channelSubscribers.unreadCount,
      })
      .from(channelSubscribers)
      .innerJoin(
        channels,
        and(
          eq(channels.organizationId, channelSubscribers.organizationId),
          eq(channels.id, channelSubscribers.channelId),
        ),
      )
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.individualId, individualId),
        ),
      );
  }

  /** The subscription row locked for the rest of the transaction. */
  async lockSubscription(
    executor: Executor,
    organizationId: string,
    channelId: string,
    individualId: string,
  ): Promise<ChannelSubscriberRow | undefined> {
    const [row] = await executor
      .select()
      .from(channelSubscribers)
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.channelId, channelId),
          eq(channelSubscribers.individualId, individualId),
        ),
      )
      .for("update");
    return row;
  }

  async updateSubscription(
    executor: Executor,
    organizationId: string,
    channelId: string,
    individualId: string,
    changes: SubscriberChanges,
  ): Promise<ChannelSubscriberRow | undefined> {
    const [row] = await executor
      .update(channelSubscribers)
      .set(changes)
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.channelId, channelId),
          eq(channelSubscribers.individualId, individualId),
        ),
      )
      .returning();
    return row;
  }

  /**
   * A message became visible in the channel: the channel's and every subscription's last message
   * time move, and every subscriber but the author whose horizon is before it has one more unread.
   */
  async recordPost(
    executor: Executor,
    organizationId: string,
    channelId: string,
    message: { id: string; postedAt: Date; authorId: string | null },
  ): Promise<void> {
    await executor
      .update(channels)
      .set({
        lastMessageId: message.id,
        lastMessageAt: message.postedAt,
        lastModifiedAt: message.postedAt,
      })
      .where(tenantRow(channels, organizationId, channelId));
    const notAuthor = message.authorId
      ? ne(channelSubscribers.individualId, message.authorId)
      : sql`true`;
    await executor
      .update(channelSubscribers)
      .set({
        lastMessageAt: message.postedAt,
        unreadCount: sql`${channelSubscribers.unreadCount} + case when ${notAuthor} and (${channelSubscribers.horizonMessageId} is null or ${channelSubscribers.horizonMessageId} < ${message.id}) then 1 else 0 end`,
      })
      .where(
        and(
          eq(channelSubscribers.organizationId, organizationId),
          eq(channelSubscribers.channelId, channelId),
        ),
      );
  }
}
