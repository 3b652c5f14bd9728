import { timestamp, uuid } from "drizzle-orm/pg-core";

/** The tenant key every row carries (ARCHITECTURE.md: tenant key in every key). */
export const organizationId = () => uuid("organization_id").notNull();

/** Creation and modification times, set by the application in UTC. */
export const lifecycleDates = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
};
