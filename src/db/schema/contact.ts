import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lifecycleDates, organizationId } from "./columns";
import { organizations } from "./organization";

export const contactType = pgEnum("contact_type", ["CUSTOM", "QUEUE", "USER"]);

/** Seeds 001 and 004: the other party of a call, shared with the whole organization. */
export const contacts = pgTable(
  "contacts",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    type: contactType("type").notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    /** E.164. */
    phoneNumber: varchar("phone_number", { length: 32 }),
    /** Lower-cased. */
    email: varchar("email", { length: 255 }),
    userName: varchar("user_name", { length: 255 }),
    firstName: varchar("first_name", { length: 255 }),
    lastName: varchar("last_name", { length: 255 }),
    employeeId: varchar("employee_id", { length: 255 }),
    /** ISO 3166 region the phone number was read in. */
    country: varchar("country", { length: 2 }),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    uniqueIndex("contacts_phone_number_unique")
      .on(table.organizationId, table.phoneNumber)
      .where(sql`${table.phoneNumber} is not null`),
    index("contacts_email_idx").on(table.organizationId, table.email),
    index("contacts_name_idx").on(table.organizationId, table.name),
  ],
);

export type ContactRow = typeof contacts.$inferSelect;
export type NewContactRow = typeof contacts.$inferInsert;
