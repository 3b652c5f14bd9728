import { and, eq, exists, getTableColumns, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { queryArrays, statementText } from "../../db/fixed-statements";
import {
  individualGroupMembers,
  individuals,
  type IndividualRow,
  type NewIndividualRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";
import { arrayRowMapper, selectList } from "../../lib/raw-rows";

export interface IndividualListFilter {
  text?: string;
  accountType?: string;
  individualGroupId?: string;
}

const INDIVIDUAL_COLUMNS = getTableColumns(individuals);
const toIndividual = arrayRowMapper<IndividualRow>(INDIVIDUAL_COLUMNS);
/** One text for any number of ids: every loader batch runs the same prepared statement. */
const INDIVIDUALS_BY_IDS = statementText(sql`
  select ${selectList(INDIVIDUAL_COLUMNS)} from ${individuals}
  where ${individuals.organizationId} = ${sql.placeholder("organizationId")}
    and ${individuals.id} = any(${sql.placeholder("ids")}::uuid[])`);

const INDIVIDUALS_TABLE = statementText(sql`${individuals}`);
const INDIVIDUAL_VALUES = statementText(selectList(INDIVIDUAL_COLUMNS));
const INDIVIDUAL_ORGANIZATION_ID = statementText(sql`${individuals.organizationId}`);
const INDIVIDUAL_ID = statementText(sql`${individuals.id}`);

/**
 * The individuals whose ids `ids` selects (a subquery's text), as one json array of their columns'
 * values in INDIVIDUAL_COLUMNS order (`[]` for none), for a statement of another module that reads
 * them along (the inbox's, channel-inbox.repository.ts). `organization` is the organization's
 * parameter. individualsFromJson maps it.
 */
export function individualsJsonText(ids: string, organization: string): string {
  return `(select coalesce(json_agg(json_build_array(${INDIVIDUAL_VALUES})), '[]') from ${INDIVIDUALS_TABLE}
    where ${INDIVIDUAL_ORGANIZATION_ID} = ${organization} and ${INDIVIDUAL_ID} in (${ids}))`;
}

/** The rows of an individualsJsonText value (json renders timestamps in ISO 8601, as Date reads them). */
export function individualsFromJson(list: unknown[][]): IndividualRow[] {
  return list.map(toIndividual);
}

/** Seed 002 individuals. */
export class IndividualRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: NewIndividualRow): Promise<IndividualRow> {
    const [created] = await this.db.insert(individuals).values(row).returning();
    return created;
  }

  async update(
    organizationId: string,
    id: string,
    changes: Partial<NewIndividualRow>,
  ): Promise<IndividualRow | undefined> {
    const [updated] = await this.db
      .update(individuals)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(individuals, organizationId, id))
      .returning();
    return updated;
  }

  async findByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<IndividualRow[]> {
    if (!ids.length) return [];
    const rows = await queryArrays(executor, INDIVIDUALS_BY_IDS, [organizationId, ids]);
    return rows.map(toIndividual);
  }

  list(
    organizationId: string,
    filter: IndividualListFilter,
    args: PageArgs,
  ): Promise<Connection<IndividualRow>> {
    const conditions: (SQL | undefined)[] = [eq(individuals.organizationId, organizationId)];
    if (filter.text) {
      const pattern = `%${filter.text.replace(/[\\%_]/g, "\\$&")}%`;
      conditions.push(
        or(
          ilike(individuals.firstName, pattern),
          ilike(individuals.lastName, pattern),
          ilike(individuals.preferredName, pattern),
        ),
      );
    }
    if (filter.accountType) conditions.push(eq(individuals.accountType, filter.accountType));
    if (filter.individualGroupId) {
      conditions.push(
        exists(
          this.db
            .select({ one: sql`1` })
            .from(individualGroupMembers)
            .where(
              and(
                eq(individualGroupMembers.organizationId, individuals.organizationId),
                eq(individualGroupMembers.individualId, individuals.id),
                eq(individualGroupMembers.groupId, filter.individualGroupId),
              ),
            ),
        ),
      );
    }
    return fetchPage(
      args,
      byId(individuals.id),
      and(...conditions),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(individuals)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(individuals, where),
    );
  }

  /** The time zone of an individual reached at this number, when one has it. */
  async findTimeZoneByPhoneNumber(
    organizationId: string,
    phoneNumber: string,
  ): Promise<string | null> {
    const [row] = await this.db
      .select({ timeZone: individuals.timeZone })
      .from(individuals)
      .where(
        and(
          eq(individuals.organizationId, organizationId),
          eq(individuals.phoneNumber, phoneNumber),
          sql`${individuals.timeZone} is not null`,
        ),
      )
      .limit(1);
    return row?.timeZone ?? null;
  }
}
