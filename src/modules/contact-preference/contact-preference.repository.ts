import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  contactPreferences,
  type ContactPreferenceRow,
  type NewContactPreferenceRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { arrayColumns, pgArray } from "../../db/pg-array";
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
   * The preferences of `contacts` that exist, locked FOR UPDATE in the caller's transaction in
   * contact order (one order for every writer, so two consent batches never deadlock).
   */
  lockByContacts(
    executor: Executor,
    organizationId: string,
    contacts: readonly string[],
  ): Promise<ContactPreferenceRow[]> {
    return executor
      .select()
      .from(table)
      .where(and(eq(table.organizationId, organizationId), inArray(table.contact, [...contacts])))
      .orderBy(table.contact)
      .for("update");
  }

  /**
   * For the consent ledger's single-statement write: data-modifying statements (to run as CTEs)
   * that insert the preferences it created and store the flags of the ones it locked. `created`
   * returns one row per preference inserted; one that another transaction created meanwhile is
   * skipped, so fewer rows come back.
   */
  writeStatements(
    organizationId: string,
    created: readonly ContactPreferenceRow[],
    updated: readonly ContactPreferenceRow[],
  ): { created: SQL; updated: SQL } {
    // Inserted in one order by every writer, so concurrent batches wait instead of deadlocking.
    const inserted = [...created].sort((a, b) => (a.contact < b.contact ? -1 : 1));
    const contacts = pgArray(
      "text",
      inserted.map((row) => row.contact),
    );
    const createdAt = pgArray(
      "timestamptz",
      inserted.map((row) => row.createdAt),
    );
    return {
      created: sql`insert into ${table}
          (organization_id, id, do_not_text, do_not_call, do_not_email, updated_at, contact, created_at)
        select ${organizationId}, c.* from unnest(${flagColumns(inserted)}, ${contacts}, ${createdAt}) as c
        on conflict (organization_id, contact) do nothing
        returning 1`,
      updated: sql`update ${table} set do_not_text = f.do_not_text, do_not_call = f.do_not_call,
          do_not_email = f.do_not_email, updated_at = f.updated_at
        from unnest(${flagColumns(updated)}) as f(id, do_not_text, do_not_call, do_not_email, updated_at)
        where ${table.organizationId} = ${organizationId} and ${table.id} = f.id`,
    };
  }
}

/** id, the three flags and updated_at of each row, as five array parameters for unnest. */
function flagColumns(rows: readonly ContactPreferenceRow[]): SQL {
  return arrayColumns(rows, [
    ["uuid", (row) => row.id],
    ["boolean", (row) => row.doNotText],
    ["boolean", (row) => row.doNotCall],
    ["boolean", (row) => row.doNotEmail],
    ["timestamptz", (row) => row.updatedAt],
  ]);
}
