import {
  boolean,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { channels } from "./channel";
import { organizationId } from "./columns";
import { organizations } from "./organization";

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const reactionType = pgEnum("reaction_type", [
  "DISLIKE",
  "LIKE",
  "LOL",
  "LOVE",
  "SAD",
  "WOW",
]);

/** Seed 002 messaging-messages. Ids are UUIDv7, so id order is posting order. */
export const messages = pgTable(
  "messages",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    channelId: uuid("channel_id").notNull(),
    /** The author's individual id (the caller's JWT sub). */
    authorId: uuid("author_id"),
    body: text("body").notNull(),
    draft: boolean("draft").notNull().default(false),
    removed: boolean("removed").notNull().default(false),
    source: varchar("source", { length: 64 }),
    userType: varchar("user_type", { length: 64 }),
    bulkMessageId: uuid("bulk_message_id"),
    postedAt: timestampColumn("posted_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.channelId],
      foreignColumns: [channels.organizationId, channels.id],
    }).onDelete("cascade"),
    index("messages_channel_idx").on(table.organizationId, table.channelId, table.id),
    index("messages_author_idx").on(table.organizationId, table.authorId, table.id),
  ],
);

/** One reaction of one individual to one message; at most one per type. */
export const messageReactions = pgTable(
  "message_reactions",
  {
    organizationId: organizationId(),
    messageId: uuid("message_id").notNull(),
    individualId: uuid("individual_id").notNull(),
    type: reactionType("type").notNull(),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({
      columns: [table.organizationId, table.messageId, table.individualId, table.type],
    }),
    foreignKey({
      columns: [table.organizationId, table.messageId],
      foreignColumns: [messages.organizationId, messages.id],
    }).onDelete("cascade"),
  ],
);

/** Seed 002 messaging-bulk-messages: one message for many individuals and groups. */
export const bulkMessages = pgTable(
  "bulk_messages",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    body: text("body").notNull(),
    draft: boolean("draft").notNull().default(true),
    autoAck: boolean("auto_ack").notNull().default(false),
    autoCreateChannel: boolean("auto_create_channel").notNull().default(false),
    individualIds: uuid("individual_ids").array().notNull(),
    individualGroupIds: uuid("individual_group_ids").array().notNull(),
    createdBy: uuid("created_by").notNull(),
    /** Messages posted when it went out: one per recipient's direct channel. */
    messageCount: integer("message_count").notNull().default(0),
    postedAt: timestampColumn("posted_at"),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
  ],
);

export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
export type MessageReactionRow = typeof messageReactions.$inferSelect;
export type ReactionTypeValue = (typeof reactionType.enumValues)[number];
export type BulkMessageRow = typeof bulkMessages.$inferSelect;
export type NewBulkMessageRow = typeof bulkMessages.$inferInsert;
