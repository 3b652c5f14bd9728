import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client";
import { contacts, type ContactRow, type NewContactRow } from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

/** Exact-match conditions; text columns compare case-insensitively. */
export interface ContactConditions {
  type?: ContactRow["type"];
  phoneNumber?: string;
  email?: string;
  name?: string;
  country?: string;
  userName?: string;
  firstName?: string;
  lastName?: string;
  employeeId?: string;
}

const table = contacts;
const exactColumns = {
  type: table.type,
  phoneNumber: table.phoneNumber,
  email: table.email,
} as const;
const caseInsensitiveColumns = {
  name: table.name,
  country: table.country,
  userName: table.userName,
  firstName: table.firstName,
  lastName: table.lastName,
  employeeId: table.employeeId,
} as const;

function matchIgnoringCase(column: PgColumn, value: string): SQL {
  return sql`lower(${column}) = lower(${value})`;
}

export class ContactRepository {
  constructor(private readonly db: Executor) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<ContactRow[]> {
    return this.db
      .select()
      .from(table)
      .where(and(eq(table.organizationId, organizationId), inArray(table.id, [...ids])));
  }

  async findByPhoneNumber(
    organizationId: string,
    phoneNumber: string,
  ): Promise<ContactRow | undefined> {
    const [row] = await this.db
      .select()
      .from(table)
      .where(and(eq(table.organizationId, organizationId), eq(table.phoneNumber, phoneNumber)));
    return row;
  }

  list(
    organizationId: string,
    conditions: ContactConditions,
    args: PageArgs,
  ): Promise<Connection<ContactRow>> {
    const filters: SQL[] = [eq(table.organizationId, organizationId)];
    for (const [key, column] of Object.entries(exactColumns)) {
      const value = conditions[key as keyof typeof exactColumns];
      if (value !== undefined) filters.push(eq(column, value));
    }
    for (const [key, column] of Object.entries(caseInsensitiveColumns)) {
      const value = conditions[key as keyof typeof caseInsensitiveColumns];
      if (value !== undefined) filters.push(matchIgnoringCase(column, value));
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

  async insert(row: NewContactRow): Promise<ContactRow> {
    const [created] = await this.db.insert(table).values(row).returning();
    return created;
  }

  async update(
    organizationId: string,
    id: string,
    changes: Partial<NewContactRow>,
  ): Promise<ContactRow | undefined> {
    const [updated] = await this.db
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
}
