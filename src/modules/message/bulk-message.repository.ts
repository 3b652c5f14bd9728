import type { Executor } from "../../db/client";
import { bulkMessages, type BulkMessageRow, type NewBulkMessageRow } from "../../db/schema";
import { tenantRow } from "../../db/tenant";

/** Seed 002 messaging-bulk-messages. */
export class BulkMessageRepository {
  constructor(private readonly db: Executor) {}

  async findById(organizationId: string, id: string): Promise<BulkMessageRow | undefined> {
    const [row] = await this.db
      .select()
      .from(bulkMessages)
      .where(tenantRow(bulkMessages, organizationId, id));
    return row;
  }

  async insert(executor: Executor, row: NewBulkMessageRow): Promise<BulkMessageRow> {
    const [created] = await executor.insert(bulkMessages).values(row).returning();
    return created;
  }

  async lock(
    executor: Executor,
    organizationId: string,
    id: string,
  ): Promise<BulkMessageRow | undefined> {
    const [row] = await executor
      .select()
      .from(bulkMessages)
      .where(tenantRow(bulkMessages, organizationId, id))
      .for("update");
    return row;
  }

  async update(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewBulkMessageRow>,
  ): Promise<BulkMessageRow> {
    const [updated] = await executor
      .update(bulkMessages)
      .set({ ...changes, lastModifiedAt: new Date() })
      .where(tenantRow(bulkMessages, organizationId, id))
      .returning();
    return updated;
  }
}
