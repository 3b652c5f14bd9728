import { and, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  contactPreferences,
  type ContactPreferenceRow,
  type NewContactPreferenceRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { Recordset } from "../../db/recordset";
import { tenantRow } from "../../db/tenant";
import { inLockOrder } from "../../db/lock-order";

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

/** A preference with its row version (xmin), to tell whether another transaction wrote it since. */
export type VersionedPreference = ContactPreferenceRow & { version: string };

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

  /**
   * A condition, for another module's single-statement write: no doNotText row for the value
   * (share-locked). The organization and value may be columns of that statement.
   */
  textingAllowedCondition(organizationId: string | SQL, contact: string | SQL): SQL {
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
   * The preferences of `contacts` that exist, each with its row version (xmin), locked FOR
   * UPDATE in the caller's transaction in contact order (one order for every writer, so two
   * consent batches never deadlock).
   */
  lockVersionedByContacts(
    executor: Executor,
    organizationId: string,
    contacts: readonly string[],
  ): Promise<VersionedPreference[]> {
    return (
      executor
        .select({ ...getTableColumns(table), version: sql<string>`xmin::text` })
        .from(table)
        .where(and(eq(table.organizationId, organizationId), inArray(table.contact, [...contacts])))
        // Byte order, as consentWriteStatements sorts: one lock order whatever the collation.
        .orderBy(sql`${table.contact} collate "C"`)
        .for("update")
    );
  }

  /**
   * The same rows as lockVersionedByContacts, unlocked, as a query for another statement to
   * read in its own snapshot (a NamedStatement's part, over the placeholders `organizationId`
   * and `preferenceContacts`, which `values` gives): it answers them as JSON text, which `parse`
   * turns back into rows.
   */
  versionedByContactsQuery() {
    return VERSIONED_BY_CONTACTS;
  }

  /**
   * For the consent ledger's single-statement write, a NamedStatement's parts over the
   * placeholders `organizationId` and those consentWriteValues names. `unchanged` is a condition
   * that locks the existing rows (in contact order) and holds when none was written since it was
   * read; `created` and `updated` are data-modifying statements, to run as CTEs when `guard`
   * holds, that insert new preferences (a value created meanwhile fails the statement with a
   * unique violation) and store the existing ones, every one rewritten so that its version moves
   * and a concurrent batch that read it sees the change.
   */
  consentWriteStatements(guard: SQL): { unchanged: SQL; created: SQL; updated: SQL } {
    // One probe per row, locked in contact order, by id and contact, so that either unique index
    // finds it: the planner cannot size a recordset, and with a young table's statistics it
    // would as soon scan the organization's preferences.
    return {
      unchanged: sql`(select count(*) = ${sql.placeholder("preferencesExisting")}
        from jsonb_to_recordset(${sql.placeholder("preferenceVersions")}::jsonb)
          as v(id uuid, contact varchar(255), version text)
        cross join lateral (select 1 from ${table} p
          where p.organization_id = ${sql.placeholder("organizationId")} and p.id = v.id
            and p.contact = v.contact and p.xmin::text = v.version
          for update) as still)`,
      created: sql`insert into ${table}
        select ${PREFERENCE_INSERT_LIST} from ${PREFERENCE_RECORDS.fromPlaceholder("preferencesCreated")}
        where ${guard}`,
      updated: sql`update ${table} set do_not_text = f.do_not_text, do_not_call = f.do_not_call,
          do_not_email = f.do_not_email,
          updated_at = case when (${table.doNotText}, ${table.doNotCall}, ${table.doNotEmail})
            is distinct from (f.do_not_text, f.do_not_call, f.do_not_email)
            then f.updated_at else ${table.updatedAt} end
        from ${FLAG_RECORDS.fromPlaceholder("preferenceFlags")}
        where ${table.organizationId} = ${sql.placeholder("organizationId")} and ${table.id} = f.id
          and ${guard}
          and ${table.id} = any(array(select jsonb_array_elements_text(
            ${sql.placeholder("preferenceIds")}::jsonb)::uuid))
          and ${table.contact} = any(array(select jsonb_array_elements_text(
            ${sql.placeholder("preferenceContacts")}::jsonb)))`,
    };
  }

  /** The values of consentWriteStatements' placeholders (but `organizationId`). */
  consentWriteValues(
    created: readonly ContactPreferenceRow[],
    existing: readonly VersionedPreference[],
  ): Record<string, unknown> {
    return {
      preferencesExisting: existing.length,
      // Locked and inserted in one order by every writer, so concurrent batches wait instead of
      // deadlocking.
      preferenceVersions: JSON.stringify(
        inLockOrder(existing, (row) => row.contact).map(({ id, contact, version }) => ({
          id,
          contact,
          version,
        })),
      ),
      preferencesCreated: PREFERENCE_RECORDS.json(inLockOrder(created, (row) => row.contact)),
      preferenceFlags: FLAG_RECORDS.json(existing),
      preferenceIds: JSON.stringify(existing.map((row) => row.id)),
      preferenceContacts: JSON.stringify(existing.map((row) => row.contact)),
    };
  }
}

/** json_build_object's arguments for a versioned row: each field under its TypeScript name. */
const VERSIONED_FIELDS = sql.join(
  [
    ...Object.entries(getTableColumns(table)).map(
      ([field, column]) => sql`${sql.raw(`'${field}'`)}, p.${sql.identifier(column.name)}`,
    ),
    sql`'version', p.xmin::text`,
  ],
  sql`, `,
);

/** One probe of the (organization, contact) index a value, whatever the table's statistics. */
const VERSIONED_BY_CONTACTS = {
  query: sql`(select coalesce(json_agg(json_build_object(${VERSIONED_FIELDS})), '[]')::text
    from jsonb_array_elements_text(${sql.placeholder("preferenceContacts")}::jsonb) as c(contact)
    cross join lateral (select *, xmin from ${table}
      where organization_id = ${sql.placeholder("organizationId")} and contact = c.contact) p)`,
  values: (contacts: readonly string[]) => ({ preferenceContacts: JSON.stringify(contacts) }),
  parse: (json: string): VersionedPreference[] =>
    (
      JSON.parse(json) as (VersionedPreference & { createdAt: string | null; updatedAt: string })[]
    ).map((row) => ({
      ...row,
      createdAt: row.createdAt === null ? null : new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
    })),
};

const PREFERENCE_RECORDS = new Recordset<ContactPreferenceRow>("c", getTableColumns(table));
const PREFERENCE_INSERT_LIST = PREFERENCE_RECORDS.insertSelectList(table);
/** What a consent change writes to a preference it read. */
const FLAG_RECORDS = new Recordset<ContactPreferenceRow>("f", {
  id: table.id,
  doNotText: table.doNotText,
  doNotCall: table.doNotCall,
  doNotEmail: table.doNotEmail,
  updatedAt: table.updatedAt,
});
