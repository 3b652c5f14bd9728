import {
  boolean,
  foreignKey,
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

/** Seed 000: the current consent answer for one normalized contact value. */
export const contactPreferences = pgTable(
  "contact_preferences",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    legacyId: text("legacy_id"),
    nextgenLegacyId: text("nextgen_legacy_id"),
    /** E.164 phone number or lower-cased email; one row per value. */
    contact: varchar("contact", { length: 255 }).notNull(),
    reason: text("reason"),
    country: varchar("country", { length: 255 }),
    doNotText: boolean("do_not_text").notNull().default(false),
    doNotCall: boolean("do_not_call").notNull().default(false),
    doNotEmail: boolean("do_not_email").notNull().default(false),
    /** Seed 000 makes created_at nullable and client-settable. */
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    uniqueIndex("contact_preferences_contact_unique").on(table.organizationId, table.contact),
  ],
);

export type ContactPreferenceRow = typeof contactPreferences.$inferSelect;
export type NewContactPreferenceRow = typeof contactPreferences.$inferInsert;
