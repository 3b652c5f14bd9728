import { sql } from "drizzle-orm";
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
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lifecycleDates, organizationId } from "./columns";
import { organizations } from "./organization";

/**
 * Declaration order is the order a status may move in: updates only go forward (CONSENT.md).
 * CANCELED: never sent, because the recipient opted out while the text waited (final, like FAILED;
 * a later opt-in does not bring it back).
 */
export const textStatus = pgEnum("text_status", [
  "ACCEPTED",
  "QUEUED",
  "SENDING",
  "SENT",
  "DELIVERED",
  "UNDELIVERED",
  "FAILED",
  "CANCELED",
  "RECEIVED",
]);
export const textDirection = pgEnum("text_direction", ["OUTBOUND", "INBOUND"]);
/** Why a text is sent: confirmations of a consent change go out even to a number that just opted out. */
export const textPurpose = pgEnum("text_purpose", [
  "MESSAGE",
  "MARKETING",
  "CONSENT_CONFIRMATION",
  "HELP_REPLY",
]);

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Seed 002 text-accounts. */
export const textAccounts = pgTable(
  "text_accounts",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    phoneNumber: varchar("phone_number", { length: 32 }),
    allowCustomNumber: boolean("allow_custom_number").notNull().default(false),
    providerAccountId: varchar("provider_account_id", { length: 64 }),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
  ],
);

/** Seed 002 text-account-numbers: the numbers an account texts from. */
export const textNumbers = pgTable(
  "text_numbers",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    accountId: uuid("account_id").notNull(),
    phoneNumber: varchar("phone_number", { length: 32 }).notNull(),
    capabilitySms: boolean("capability_sms").notNull().default(true),
    capabilityMms: boolean("capability_mms").notNull().default(false),
    capabilityVoice: boolean("capability_voice").notNull().default(false),
    forwardTo: varchar("forward_to", { length: 32 }),
    notes: text("notes"),
    logging: boolean("logging").notNull().default(false),
    alert: boolean("alert").notNull().default(false),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.accountId],
      foreignColumns: [textAccounts.organizationId, textAccounts.id],
    }),
    uniqueIndex("text_numbers_phone_number_unique").on(table.organizationId, table.phoneNumber),
  ],
);

/** Seed 002 text-user-number-maps: which number a user texts from. */
export const textUserNumberMaps = pgTable(
  "text_user_number_maps",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    numberId: uuid("number_id").notNull(),
    userId: varchar("user_id", { length: 255 }).notNull(),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.numberId],
      foreignColumns: [textNumbers.organizationId, textNumbers.id],
    }),
    uniqueIndex("text_user_number_maps_user_unique").on(table.organizationId, table.userId),
  ],
);

/**
 * Seed 002 texts, and the outbox: an outgoing text is written ACCEPTED in the transaction that
 * checks consent, and the dispatcher claims it from here (ARCHITECTURE.md, outgoing texts).
 */
export const texts = pgTable(
  "texts",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    accountId: uuid("account_id").notNull(),
    numberId: uuid("number_id"),
    from: varchar("from_number", { length: 32 }),
    target: varchar("target", { length: 32 }).notNull(),
    message: text("message").notNull(),
    direction: textDirection("direction").notNull(),
    purpose: textPurpose("purpose").notNull().default("MESSAGE"),
    status: textStatus("status").notNull(),
    error: text("error"),
    providerSid: varchar("provider_sid", { length: 64 }),
    callbackUrl: text("callback_url"),
    callbackStatusUrl: text("callback_status_url"),
    expectedResponses: text("expected_responses").array(),
    createdBy: varchar("created_by", { length: 255 }),
    /** Dispatch bookkeeping: attempts so far, earliest next try, and the lease of the instance sending it. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestampColumn("next_attempt_at"),
    claimedUntil: timestampColumn("claimed_until"),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.accountId],
      foreignColumns: [textAccounts.organizationId, textAccounts.id],
    }),
    uniqueIndex("texts_provider_sid_unique")
      .on(table.organizationId, table.providerSid)
      .where(sql`${table.providerSid} is not null`),
    index("texts_account_idx").on(table.organizationId, table.accountId, table.id),
    index("texts_outbox_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'ACCEPTED'`),
    // A number's unsent texts, which its opt-out cancels (migration 0008's trigger).
    index("texts_unsent_target_idx")
      .on(table.organizationId, table.target)
      .where(sql`${table.status} = 'ACCEPTED'`),
  ],
);

export type TextAccountRow = typeof textAccounts.$inferSelect;
export type TextNumberRow = typeof textNumbers.$inferSelect;
export type TextUserNumberMapRow = typeof textUserNumberMaps.$inferSelect;
export type TextRow = typeof texts.$inferSelect;
export type NewTextRow = typeof texts.$inferInsert;
export type TextStatusValue = (typeof textStatus.enumValues)[number];
