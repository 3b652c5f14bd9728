import {
  boolean,
  date,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  timestamp,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lifecycleDates, organizationId } from "./columns";
import { organizations } from "./organization";

/** Seed 002 individuals: the people who message (patients, providers, staff). */
export const individuals = pgTable(
  "individuals",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    firstName: varchar("first_name", { length: 255 }),
    lastName: varchar("last_name", { length: 255 }),
    preferredName: varchar("preferred_name", { length: 255 }),
    birthDate: date("birth_date", { mode: "string" }),
    accountType: varchar("account_type", { length: 64 }),
    email: varchar("email", { length: 255 }),
    /** E.164; consent for it lives in contact_preferences, keyed by this value. */
    phoneNumber: varchar("phone_number", { length: 32 }),
    /** IANA time zone, e.g. Europe/Copenhagen. */
    timeZone: varchar("time_zone", { length: 64 }),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    index("individuals_phone_number_idx").on(table.organizationId, table.phoneNumber),
  ],
);

/** Seed 002 individual-groups: named sets of individuals with leaders, optionally nested. */
export const individualGroups = pgTable(
  "individual_groups",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    parentGroupId: uuid("parent_group_id"),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    foreignKey({
      columns: [table.organizationId, table.parentGroupId],
      foreignColumns: [table.organizationId, table.id],
    }),
  ],
);

/** One individual in one group; leaders are members flagged as such. */
export const individualGroupMembers = pgTable(
  "individual_group_members",
  {
    organizationId: organizationId(),
    groupId: uuid("group_id").notNull(),
    individualId: uuid("individual_id").notNull(),
    leader: boolean("leader").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.groupId, table.individualId] }),
    foreignKey({
      columns: [table.organizationId, table.groupId],
      foreignColumns: [individualGroups.organizationId, individualGroups.id],
    }).onDelete("cascade"),
    foreignKey({
      columns: [table.organizationId, table.individualId],
      foreignColumns: [individuals.organizationId, individuals.id],
    }),
    index("individual_group_members_individual_idx").on(
      table.organizationId,
      table.individualId,
      table.groupId,
    ),
  ],
);

export type IndividualRow = typeof individuals.$inferSelect;
export type NewIndividualRow = typeof individuals.$inferInsert;
export type IndividualGroupRow = typeof individualGroups.$inferSelect;
export type NewIndividualGroupRow = typeof individualGroups.$inferInsert;
export type IndividualGroupMemberRow = typeof individualGroupMembers.$inferSelect;
