import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  contactPreferences,
  type ContactPreferenceRow,
  type NewContactPreferenceRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

export type ContactPreferenceConditions = Partial<
  Pick<
    ContactPreferenceRow,
    | "contact"
    | "legacyId"
    | "nextgenLegacyId"
    | "reason"
    | "country"
    | "doNotText"
    | "doNotCall"
    | "doNotEmail"
  >
>;

const table = contactPreferences;

export class ContactPreferenceRepository {
  constructor(private readonly db: Executor) {}

  /** Locks the row in the caller's transaction (an admin edit that the ledger must see whole). */
  async findByIdForUpdate(
    executor: Executor,
    organizationId: string,
    id: string,
  ): Promise<ContactPreferenceRow | undefined> {
    const [row] = await executor
      .select()
      .from(table)
      .where(tenantRow(table, organizationId, id))
      .for("update");
    return row;
  }

  async findById(organizationId: string, id: string): Promise<ContactPreferenceRow | undefined> {
    const [row] = await this.db
      .select()
      .from(table)
      .where(tenantRow(table, organizationId, id));
    return row;
  }

  findByContacts(
    organizationId: string,
    contacts: readonly string[],
  ): Promise<ContactPreferenceRow[]> {
    return this.db
      .select()
      .from(table)
      .where(and(eq(table.organizationId, organizationId), inArray(table.contact, [...contacts])));
  }

  /** Locks the row for a consent change inside the caller's transaction. */
  async findByContactForUpdate(
    executor: Executor,
    organizationId: string,
    contact: string,
  ): Promise<ContactPreferenceRow | undefined> {
    const [row] = await executor
      .select()
      .from(table)
      .where(and(eq(table.organizationId, organizationId), eq(table.contact, contact)))
      .for("update");
    return row;
  }

  list(
    organizationId: string,
    conditions: ContactPreferenceConditions,
    args: PageArgs,
  ): Promise<Connection<ContactPreferenceRow>> {
    const filters: SQL[] = [eq(table.organizationId, organizationId)];
    for (const [key, value] of Object.entries(conditions)) {
      if (value !== undefined && value !== null) {
        filters.push(eq(table[key as keyof ContactPreferenceConditions], value));
      }
    }
    return fetchPage(
      args,
      byId(table.id),
      and(...filters),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(table)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(table, where),
    );
  }

  async insert(
    row: NewContactPreferenceRow,
    executor: Executor = this.db,
  ): Promise<ContactPreferenceRow> {
    const [created] = await executor.insert(table).values(row).returning();
    return created;
  }

  async update(
    organizationId: string,
    id: string,
    changes: Partial<NewContactPreferenceRow>,
    executor: Executor = this.db,
  ): Promise<ContactPreferenceRow | undefined> {
    const [updated] = await executor
      .update(table)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(table, organizationId, id))
      .returning();
    return updated;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(table)
      .where(tenantRow(table, organizationId, id))
      .returning({ id: table.id });
    return deleted.length > 0;
  }

  /** The values among `contacts` with doNotText, share-locking their rows for the caller's transaction. */
  async findDoNotText(
    executor: Executor,
    organizationId: string,
    contacts: readonly string[],
  ): Promise<string[]> {
    if (contacts.length === 0) return [];
    const rows = await executor
      .select({ contact: table.contact })
      .from(table)
      .where(
        and(
          eq(table.organizationId, organizationId),
          inArray(table.contact, [...contacts]),
          eq(table.doNotText, true),
        ),
      )
      .for("share");
    return rows.map((row) => row.contact);
  }

  /** A condition, for another module's single-statement write: no doNotText row for the value (share-locked). */
  textingAllowedCondition(organizationId: string, contact: string): SQL {
    const optedOut = this.db
      .select({ one: sql`1` })
      .from(table)
      .where(
        and(
          eq(table.organizationId, organizationId),
          eq(table.contact, contact),
          eq(table.doNotText, true),
        ),
      )
      .for("share");
    return sql`not exists ${optedOut}`;
  }

  /**
   * The preference for a value, created with every flag false when missing, locked FOR UPDATE
   * for the caller's transaction: concurrent consent changes to one value serialize here.
   */
  async lockOrCreate(
    executor: Executor,
    organizationId: string,
    contact: string,
    id: string,
  ): Promise<{ row: ContactPreferenceRow; created: boolean }> {
    // A row this transaction inserted is already its own until commit: no second lock is needed.
    const [inserted] = await executor
      .insert(table)
      .values({ organizationId, id, contact, createdAt: new Date() })
      .onConflictDoNothing({ target: [table.organizationId, table.contact] })
      .returning();
    if (inserted) return { row: inserted, created: true };
    const row = await this.findByContactForUpdate(executor, organizationId, contact);
    return { row: row!, created: false };
  }

  async updateFlags(
    executor: Executor,
    organizationId: string,
    id: string,
    flags: Partial<Pick<ContactPreferenceRow, "doNotText" | "doNotCall" | "doNotEmail">>,
  ): Promise<ContactPreferenceRow> {
    const [updated] = await executor
      .update(table)
      .set({ ...flags, updatedAt: new Date() })
      .where(tenantRow(table, organizationId, id))
      .returning();
    return updated;
  }
}
