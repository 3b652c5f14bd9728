import { boolean, char, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A care organization: the tenant every other row belongs to. */
export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey(),
  name: text("name").notNull(),
  /** ISO 3166 region used to read national phone numbers when a row has no country of its own. */
  defaultRegion: char("default_region", { length: 2 }),
  /** Seed 003 DOUBLE_OPTIN_ROLLOUT / ROLLBACK: opt-ins need a confirmation reply while true. */
  doubleOptIn: boolean("double_opt_in").notNull().default(false),
  /** Hold marketing texts outside 08:00–21:00 in the recipient's time zone. */
  quietHours: boolean("quiet_hours").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export type OrganizationRow = typeof organizations.$inferSelect;
