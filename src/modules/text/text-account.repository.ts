import { and, asc, eq, inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  textAccounts,
  textNumbers,
  textUserNumberMaps,
  type TextAccountRow,
  type TextNumberRow,
  type TextUserNumberMapRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

export class TextAccountRepository {
  constructor(private readonly db: Executor) {}

  async insertAccount(row: typeof textAccounts.$inferInsert): Promise<TextAccountRow> {
    const [created] = await this.db.insert(textAccounts).values(row).returning();
    return created;
  }

  findAccountsByIds(organizationId: string, ids: readonly string[]): Promise<TextAccountRow[]> {
    return this.db
      .select()
      .from(textAccounts)
      .where(
        and(eq(textAccounts.organizationId, organizationId), inArray(textAccounts.id, [...ids])),
      );
  }

  listAccounts(organizationId: string, args: PageArgs): Promise<Connection<TextAccountRow>> {
    return fetchPage(
      args,
      byId(textAccounts.id),
      eq(textAccounts.organizationId, organizationId),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(textAccounts)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(textAccounts, where),
    );
  }

  async insertNumber(row: typeof textNumbers.$inferInsert): Promise<TextNumberRow> {
    const [created] = await this.db.insert(textNumbers).values(row).returning();
    return created;
  }

  async updateNumber(
    organizationId: string,
    id: string,
    changes: Partial<typeof textNumbers.$inferInsert>,
  ): Promise<TextNumberRow | undefined> {
    const [updated] = await this.db
      .update(textNumbers)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(textNumbers, organizationId, id))
      .returning();
    return updated;
  }

  findNumbersByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<TextNumberRow[]> {
    return executor
      .select()
      .from(textNumbers)
      .where(
        and(eq(textNumbers.organizationId, organizationId), inArray(textNumbers.id, [...ids])),
      );
  }

  findNumbersByAccountIds(
    organizationId: string,
    accountIds: readonly string[],
  ): Promise<TextNumberRow[]> {
    return this.db
      .select()
      .from(textNumbers)
      .where(
        and(
          eq(textNumbers.organizationId, organizationId),
          inArray(textNumbers.accountId, [...accountIds]),
        ),
      )
      .orderBy(asc(textNumbers.id));
  }

  async findNumberByPhoneNumber(
    organizationId: string,
    phoneNumber: string,
  ): Promise<TextNumberRow | undefined> {
    const [row] = await this.db
      .select()
      .from(textNumbers)
      .where(
        and(
          eq(textNumbers.organizationId, organizationId),
          eq(textNumbers.phoneNumber, phoneNumber),
        ),
      );
    return row;
  }

  async insertUserNumberMap(
    row: typeof textUserNumberMaps.$inferInsert,
  ): Promise<TextUserNumberMapRow> {
    const [created] = await this.db
      .insert(textUserNumberMaps)
      .values(row)
      .onConflictDoUpdate({
        target: [textUserNumberMaps.organizationId, textUserNumberMaps.userId],
        set: { numberId: row.numberId },
      })
      .returning();
    return created;
  }
}
