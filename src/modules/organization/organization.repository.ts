import { eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { organizations, type OrganizationRow } from "../../db/schema";

export class OrganizationRepository {
  constructor(private readonly db: Executor) {}

  async findById(id: string, executor: Executor = this.db): Promise<OrganizationRow | undefined> {
    const [row] = await executor.select().from(organizations).where(eq(organizations.id, id));
    return row;
  }

  async insert(row: typeof organizations.$inferInsert): Promise<OrganizationRow> {
    const [created] = await this.db.insert(organizations).values(row).returning();
    return created;
  }

  /**
   * Reads the organization row under a lock: "share" for consent changes (many at once), "update"
   * for a deployment-level switch, which so waits for them and they for it.
   */
  async findByIdLocked(
    executor: Executor,
    id: string,
    strength: "share" | "update",
  ): Promise<OrganizationRow | undefined> {
    const [row] = await executor
      .select()
      .from(organizations)
      .where(eq(organizations.id, id))
      .for(strength);
    return row;
  }

  /**
   * A query, for the consent ledger's own statement (a NamedStatement's part, over the
   * placeholder `organizationId`): the double opt-in switch, share-locked.
   */
  doubleOptInLockedQuery(): SQL {
    return sql`select ${organizations.doubleOptIn} as double_opt_in from ${organizations}
      where ${organizations.id} = ${sql.placeholder("organizationId")} for share`;
  }

  async setDoubleOptIn(executor: Executor, id: string, enabled: boolean): Promise<void> {
    await executor
      .update(organizations)
      .set({ doubleOptIn: enabled })
      .where(eq(organizations.id, id));
  }

  async update(
    id: string,
    changes: Partial<typeof organizations.$inferInsert>,
  ): Promise<OrganizationRow | undefined> {
    const [updated] = await this.db
      .update(organizations)
      .set(changes)
      .where(eq(organizations.id, id))
      .returning();
    return updated;
  }

  async count(): Promise<number> {
    return this.db.$count(organizations);
  }
}
