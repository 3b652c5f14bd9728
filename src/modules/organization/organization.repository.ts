import { eq } from "drizzle-orm";
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

  /** Locks the organization row: serializes deployment-level switches against opt-ins. */
  async findByIdForUpdate(executor: Executor, id: string): Promise<OrganizationRow | undefined> {
    const [row] = await executor
      .select()
      .from(organizations)
      .where(eq(organizations.id, id))
      .for("update");
    return row;
  }

  async setDoubleOptIn(executor: Executor, id: string, enabled: boolean): Promise<void> {
    await executor
      .update(organizations)
      .set({ doubleOptIn: enabled })
      .where(eq(organizations.id, id));
  }

  async count(): Promise<number> {
    return this.db.$count(organizations);
  }
}
