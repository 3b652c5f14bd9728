import { sql } from "drizzle-orm";
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { organizationId } from "./columns";
import { organizations } from "./organization";

/** Seed 003 event types. */
export const optOutEventType = pgEnum("opt_out_event_type", [
  "STOP_MESSAGE_RECEIVED",
  "STOP_SUSPECTED_MESSAGE_RECEIVED",
  "OPTIN_MESSAGE_RECEIVED",
  "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED",
  "GENERIC_MESSAGE_RECEIVED",
  "USER_REQUESTED_SEND_OPTIN_REQUEST",
  "USER_REQUESTED_OPT_OUT",
  "COMMUNICATION_VALUE_CREATION",
  "COMMUNICATION_STATUS_NOT_FOUND",
  "DOUBLE_OPTIN_ROLLOUT",
  "DOUBLE_OPTIN_ROLLBACK",
]);
export const optOutUpdateType = pgEnum("opt_out_update_type", [
  "MESSAGE",
  "CUSTOMER",
  "DEPLOYMENT",
]);
export const communicationType = pgEnum("communication_type", ["SMS", "VOICE", "EMAIL"]);
export const consentSource = pgEnum("consent_source", [
  "keyword",
  "api",
  "agent",
  "web",
  "provider",
]);
/** What an event did to its channel: the ledger replays OPT_OUT / OPT_IN in effective_at order. */
export const consentEffect = pgEnum("consent_effect", ["OPT_OUT", "OPT_IN", "CREATED", "NONE"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * The append-only consent ledger (CONSENT.md, State): every change of a preference is one row
 * here, written in the same transaction. Nothing updates or deletes these rows.
 */
export const consentEvents = pgTable(
  "consent_events",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    departmentId: uuid("department_id"),
    eventType: optOutEventType("event_type").notNull(),
    updateType: optOutUpdateType("update_type").notNull(),
    channel: communicationType("channel"),
    /** Normalized value (E.164 or lower-cased email); null for deployment-level events. */
    contact: varchar("contact", { length: 255 }),
    rawValue: varchar("raw_value", { length: 255 }),
    okToCommunicate: boolean("ok_to_communicate"),
    effect: consentEffect("effect").notNull(),
    /** The channel's opt-out flag before and after (doNotText / doNotCall / doNotEmail). */
    previousOptedOut: boolean("previous_opted_out"),
    newOptedOut: boolean("new_opted_out"),
    source: consentSource("source").notNull(),
    actorUserId: varchar("actor_user_id", { length: 255 }),
    apiCallSource: varchar("api_call_source", { length: 255 }),
    customerId: varchar("customer_id", { length: 255 }),
    messageId: varchar("message_id", { length: 255 }),
    inboundText: text("inbound_text"),
    warnings: jsonb("warnings")
      .$type<{ warningCode: string; warningDescription: string }[]>()
      .notNull()
      .default([]),
    receivedAt: at("received_at").notNull().defaultNow(),
    effectiveAt: at("effective_at").notNull(),
    idempotencyKey: varchar("idempotency_key", { length: 600 }),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    uniqueIndex("consent_events_idempotency_unique")
      .on(table.organizationId, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
    index("consent_events_contact_idx").on(
      table.organizationId,
      table.contact,
      table.channel,
      table.effectiveAt,
    ),
  ],
);

/** Opt-ins waiting for something: a requested opt-in message, or a double opt-in confirmation. */
export const pendingOptIns = pgTable(
  "pending_opt_ins",
  {
    organizationId: organizationId(),
    contact: varchar("contact", { length: 255 }).notNull(),
    channel: communicationType("channel").notNull(),
    reason: varchar("reason", { length: 32 }).notNull(),
    eventId: uuid("event_id").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.contact, table.channel] }),
    foreignKey({
      columns: [table.organizationId, table.eventId],
      foreignColumns: [consentEvents.organizationId, consentEvents.id],
    }),
  ],
);

/** Seed 003 requests with processSynchronously: false, applied by the consent worker. */
export const queuedOptOutRequests = pgTable(
  "queued_opt_out_requests",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    request: jsonb("request").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    appliedAt: at("applied_at"),
    claimedUntil: at("claimed_until"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    index("queued_opt_out_requests_due_idx")
      .on(table.createdAt)
      .where(sql`${table.appliedAt} is null`),
  ],
);

export type ConsentEventRow = typeof consentEvents.$inferSelect;
export type NewConsentEventRow = typeof consentEvents.$inferInsert;
export type QueuedOptOutRequestRow = typeof queuedOptOutRequests.$inferSelect;
export type OptOutEventTypeValue = (typeof optOutEventType.enumValues)[number];
export type CommunicationTypeValue = (typeof communicationType.enumValues)[number];
export type ConsentSourceValue = (typeof consentSource.enumValues)[number];
