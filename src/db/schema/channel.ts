import { sql } from "drizzle-orm";
import {
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { organizationId } from "./columns";
import { individualGroups, individuals } from "./individual";
import { organizations } from "./organization";
import { textNumbers } from "./text";

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Seed 002 messaging-channels. last_message_* are maintained by every post. */
export const channels = pgTable(
  "channels",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    name: varchar("name", { length: 255 }),
    label: varchar("label", { length: 255 }),
    archived: boolean("archived").notNull().default(false),
    floating: boolean("floating").notNull().default(false),
    /** Seed: direct-message, group-message, multicast, none, open, single. */
    subscriptionType: varchar("subscription_type", { length: 32 }).notNull().default("none"),
    individualGroupId: uuid("individual_group_id"),
    withSms: boolean("with_sms").notNull().default(false),
    eventSettingsEnabled: boolean("event_settings_enabled").notNull().default(false),
    /** A text number of the text module, referenced by id. */
    textNumberId: uuid("text_number_id"),
    /** The creating caller's individual id (JWT sub). */
    createdBy: uuid("created_by"),
    lastMessageId: uuid("last_message_id"),
    /**
     * The subscribers' individual ids in subscription order (created_at, then individual id), kept
     * by the triggers of migration 0006 on every insert and delete of channel_subscribers, in the
     * same transaction: what `subscribers { individual { … } }` needs, without reading the
     * subscription rows (Postgres spent more on ten subscribers per channel of an inbox page than
     * on the rest of it).
     */
    subscriberIds: uuid("subscriber_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** The last posted message's time, else the creation time: the inbox's default order. */
    lastMessageAt: timestampColumn("last_message_at").notNull().defaultNow(),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    foreignKey({
      columns: [table.organizationId, table.individualGroupId],
      foreignColumns: [individualGroups.organizationId, individualGroups.id],
    }),
    foreignKey({
      name: "channels_text_number_fk",
      columns: [table.organizationId, table.textNumberId],
      foreignColumns: [textNumbers.organizationId, textNumbers.id],
    }),
    index("channels_modified_idx").on(table.organizationId, table.lastModifiedAt, table.id),
  ],
);

/**
 * One individual subscribed to one channel, with that individual's read horizon: every message
 * whose id (UUIDv7, time-ordered) is <= horizon_message_id is read. unread_count and
 * last_message_at are kept in step by posts and acks so the inbox is one indexed query.
 */
export const channelSubscribers = pgTable(
  "channel_subscribers",
  {
    organizationId: organizationId(),
    channelId: uuid("channel_id").notNull(),
    individualId: uuid("individual_id").notNull(),
    admin: boolean("admin").notNull().default(false),
    pinned: boolean("pinned").notNull().default(false),
    autoSignUp: boolean("auto_sign_up").notNull().default(false),
    notify: boolean("notify").notNull().default(true),
    horizonMessageId: uuid("horizon_message_id"),
    /** When the horizon last moved; the epoch until the first acknowledgement. */
    acknowledgedAt: timestampColumn("acknowledged_at").notNull().default(new Date(0)),
    unreadCount: integer("unread_count").notNull().default(0),
    lastMessageAt: timestampColumn("last_message_at").notNull().defaultNow(),
    bookmarkMessageId: uuid("bookmark_message_id"),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.channelId, table.individualId] }),
    foreignKey({
      columns: [table.organizationId, table.channelId],
      foreignColumns: [channels.organizationId, channels.id],
    }).onDelete("cascade"),
    foreignKey({
      columns: [table.organizationId, table.individualId],
      foreignColumns: [individuals.organizationId, individuals.id],
    }),
    index("channel_subscribers_inbox_last_message_idx").on(
      table.organizationId,
      table.individualId,
      table.lastMessageAt,
      table.channelId,
    ),
    index("channel_subscribers_inbox_unread_idx").on(
      table.organizationId,
      table.individualId,
      table.unreadCount,
      table.channelId,
    ),
    index("channel_subscribers_inbox_acknowledged_idx").on(
      table.organizationId,
      table.individualId,
      table.acknowledgedAt,
      table.channelId,
    ),
  ],
);

export type ChannelRow = typeof channels.$inferSelect;
export type NewChannelRow = typeof channels.$inferInsert;
export type ChannelSubscriberRow = typeof channelSubscribers.$inferSelect;
export type NewChannelSubscriberRow = typeof channelSubscribers.$inferInsert;
