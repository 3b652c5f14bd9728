import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  individualGroupMembers,
  individualGroups,
  type IndividualGroupMemberRow,
  type IndividualGroupRow,
  type NewIndividualGroupRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

export interface GroupMember {
  individualId: string;
  leader: boolean;
}

/** Seed 002 individual-groups and their members. */
export class IndividualGroupRepository {
  constructor(private readonly db: Executor) {}

  async insert(
    executor: Executor,
    row: NewIndividualGroupRow,
    members: GroupMember[],
  ): Promise<IndividualGroupRow> {
    const [created] = await executor.insert(individualGroups).values(row).returning();
    await this.insertMembers(executor, row.organizationId, row.id, members);
    return created;
  }

  async update(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewIndividualGroupRow>,
  ): Promise<IndividualGroupRow | undefined> {
    const [updated] = await executor
      .update(individualGroups)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(individualGroups, organizationId, id))
      .returning();
    return updated;
  }

  async replaceMembers(
    executor: Executor,
    organizationId: string,
    groupId: string,
    members: GroupMember[],
  ): Promise<void> {
    await executor
      .delete(individualGroupMembers)
      .where(
        and(
          eq(individualGroupMembers.organizationId, organizationId),
          eq(individualGroupMembers.groupId, groupId),
        ),
      );
    await this.insertMembers(executor, organizationId, groupId, members);
  }

  private async insertMembers(
    executor: Executor,
    organizationId: string,
    groupId: string,
    members: GroupMember[],
  ): Promise<void> {
    if (!members.length) return;
    await executor
      .insert(individualGroupMembers)
      .values(members.map((member) => ({ organizationId, groupId, ...member })));
  }

  findByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<IndividualGroupRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return executor
      .select()
      .from(individualGroups)
      .where(
        and(
          eq(individualGroups.organizationId, organizationId),
          inArray(individualGroups.id, [...ids]),
        ),
      );
  }

  findMembersByGroupIds(
    organizationId: string,
    groupIds: readonly string[],
    executor: Executor = this.db,
  ): Promise<IndividualGroupMemberRow[]> {
    if (!groupIds.length) return Promise.resolve([]);
    return executor
      .select()
      .from(individualGroupMembers)
      .where(
        and(
          eq(individualGroupMembers.organizationId, organizationId),
          inArray(individualGroupMembers.groupId, [...groupIds]),
        ),
      )
      .orderBy(individualGroupMembers.groupId, individualGroupMembers.individualId);
  }

  list(organizationId: string, args: PageArgs): Promise<Connection<IndividualGroupRow>> {
    return fetchPage(
      args,
      byId(individualGroups.id),
      eq(individualGroups.organizationId, organizationId),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(individualGroups)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(individualGroups, where),
    );
  }
}
