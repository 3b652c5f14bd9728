import { and, eq, getTableColumns, inArray, lt, or, SQL, sql } from "drizzle-orm";
import { selectRows, type Executor } from "../../db/client";
import { PLAN_EACH_RUN } from "../../db/named-statements";
import { texts, type NewTextRow, type TextRow, type TextStatusValue } from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";
import { Recordset } from "../../db/recordset";
import { advanceEachStatement, type StatusMove } from "./text-status.sql";
import { sendEachStatement, type SendOutcomeFlags } from "./text-send.sql";
import { inLockOrder } from "../../db/lock-order";
import { rawRowMapper } from "../../lib/raw-rows";

export interface TextConditions {
  numberId?: string;
  target?: string;
  status?: TextStatusValue;
  direction?: TextRow["direction"];
}

const TEXT_RECORDS = new Recordset<NewTextRow>("r", getTableColumns(texts));
const INSERT_SELECT_LIST = TEXT_RECORDS.insertSelectList(texts);
const CLAIMED_ORGANIZATION = sql.raw(`claimed_text."${texts.organizationId.name}"`);
const CLAIMED_TARGET = sql.raw(`claimed_text."${texts.target.name}"`);
const textRowOf = rawRowMapper<TextRow>(getTableColumns(texts));

/** What sendEach found for one text: its sender, and the text when it was written. */
export interface SendOutcome {
  accountFound: boolean;
  numberFound: boolean;
  /** Whether the chosen number can send SMS (null without one). */
  numberSms: boolean | null;
  /** Whether the chosen number is the author's mapped one (null without one). */
  numberMapped: boolean | null;
  written: TextRow | null;
}

export class TextRepository {
  constructor(private readonly db: Executor) {}

  /**
   * INSERT … SELECT … FROM jsonb_to_recordset: writes many texts in one statement, each only if
   * the recipient may be texted when the statement runs (`textingAllowed`, given the row's
   * organization and target), except a consent confirmation, which always goes. Answers the rows
   * written.
   */
  async insertEach(
    executor: Executor,
    outgoing: readonly NewTextRow[],
    textingAllowed: (organizationId: SQL, target: SQL) => SQL,
  ): Promise<TextRow[]> {
    if (outgoing.length === 0) return [];
    const allowed = textingAllowed(
      TEXT_RECORDS.field(texts.organizationId),
      TEXT_RECORDS.field(texts.target),
    );
    // Share-locked in the order consent changes lock preferences, so the two never deadlock.
    const ordered = inLockOrder(outgoing, (text) => text.target);
    return executor
      .insert(texts)
      .select(
        sql`select ${INSERT_SELECT_LIST} from ${TEXT_RECORDS.from(ordered)}
          where ${TEXT_RECORDS.field(texts.purpose)} = 'CONSENT_CONFIRMATION' or ${allowed}`,
      )
      .returning();
  }

  /**
   * As insertEach, for texts whose sender the statement chooses itself (text-send.sql.ts): each
   * row names its account, the number asked for or none, and its author (`createdBy`). Answers
   * per row, in order, what was found and written.
   */
  async sendEach(
    executor: Executor,
    outgoing: readonly NewTextRow[],
    textingAllowed: (organizationId: SQL, target: SQL) => SQL,
  ): Promise<SendOutcome[]> {
    if (outgoing.length === 0) return [];
    const ordered = inLockOrder(outgoing, (text) => text.target);
    const rows = await selectRows<SendOutcomeFlags & Record<string, unknown>>(
      executor,
      sendEachStatement(ordered, textingAllowed),
    );
    const byId = new Map(rows.map((row) => [row.input_id, row]));
    return outgoing.map((text) => {
      const row = byId.get(text.id!)!;
      return {
        accountFound: row.account_found,
        numberFound: row.number_found,
        numberSms: row.number_sms,
        numberMapped: row.number_mapped,
        written: row.id === null ? null : textRowOf(row),
      };
    });
  }

  /** Inbound texts are stored once per provider message id; a repeat answers undefined. */
  async insertOnce(row: NewTextRow, executor: Executor = this.db): Promise<TextRow | undefined> {
    const [created] = await executor
      .insert(texts)
      .values(row)
      .onConflictDoNothing({
        target: [texts.organizationId, texts.providerSid],
        where: sql`${texts.providerSid} is not null`,
      })
      .returning();
    return created;
  }

  findByIds(organizationId: string, ids: readonly string[]): Promise<TextRow[]> {
    return this.db
      .select()
      .from(texts)
      .where(and(eq(texts.organizationId, organizationId), inArray(texts.id, [...ids])));
  }

  list(
    organizationId: string,
    accountId: string,
    conditions: TextConditions,
    args: PageArgs,
  ): Promise<Connection<TextRow>> {
    const filters: SQL[] = [
      eq(texts.organizationId, organizationId),
      eq(texts.accountId, accountId),
    ];
    if (conditions.numberId) filters.push(eq(texts.numberId, conditions.numberId));
    if (conditions.target) filters.push(eq(texts.target, conditions.target));
    if (conditions.status) filters.push(eq(texts.status, conditions.status));
    if (conditions.direction) filters.push(eq(texts.direction, conditions.direction));
    return fetchPage(
      args,
      byId(texts.id),
      and(...filters),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(texts)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(texts, where),
    );
  }

  /**
   * Claims due ACCEPTED texts of every organization for one dispatch round: SKIP LOCKED lets any
   * number of instances claim side by side, and the lease hands a text back if its claimer dies.
   * Each claimed text comes with `optedOut`: its recipient may not be texted now
   * (`textingAllowed`, given the text's organization and target, read in the claim's statement
   * rather than one more), unless it is a consent confirmation. The status is a literal, so that the outbox's partial index
   * applies, and the statement is planned each run (PLAN_EACH_RUN): a generic plan made while the
   * table was young scanned every text for the due ones and found each claimed one through an
   * organization-wide index range.
   */
  async claimDue(
    limit: number,
    leaseMs: number,
    textingAllowed: (organizationId: SQL, target: SQL) => SQL,
  ): Promise<(TextRow & { optedOut: boolean })[]> {
    const due = this.db
      .select({ organizationId: texts.organizationId, id: texts.id })
      .from(texts)
      .where(
        and(
          sql`${texts.status} = 'ACCEPTED'`,
          sql`${texts.nextAttemptAt} <= now()`,
          or(sql`${texts.claimedUntil} is null`, lt(texts.claimedUntil, sql`now()`)),
        ),
      )
      .orderBy(texts.nextAttemptAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    const allowed = textingAllowed(CLAIMED_ORGANIZATION, CLAIMED_TARGET);
    const claim = this.db
      .update(texts)
      .set({ claimedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(sql`(${texts.organizationId}, ${texts.id}) in ${due}`)
      .returning();
    // Sorted below the select list, so the consent check share-locks preferences in the order
    // consent changes lock them (as insertEach), and the two never deadlock.
    const rows = await selectRows<Record<string, unknown> & { opted_out: boolean }>(
      this.db,
      sql`${sql.raw(PLAN_EACH_RUN)} with claimed as ${claim}
        select claimed_text.*,
               claimed_text.purpose <> 'CONSENT_CONFIRMATION' and not ${allowed} as opted_out
        from (select * from claimed
              order by organization_id, target collate "C" offset 0) as claimed_text`,
    );
    return rows.map((row) => ({ ...textRowOf(row), optedOut: row.opted_out }));
  }

  /** Applies status moves forward-only (see text-status.sql.ts); answers, per move, whether its text exists. */
  async advanceEach(moves: readonly StatusMove[]): Promise<boolean[]> {
    if (moves.length === 0) return [];
    const rows = await selectRows<{ n: number }>(this.db, advanceEachStatement(moves));
    const found = new Set(rows.map((row) => Number(row.n)));
    return moves.map((_, n) => found.has(n));
  }

  /**
   * Hands back claimed texts still ACCEPTED (a dispatcher stopping, or its round failing before
   * it recorded them): claimable at once instead of when the lease ends.
   */
  async releaseClaims(keys: readonly { organizationId: string; id: string }[]): Promise<void> {
    if (keys.length === 0) return;
    const pairs = sql.join(
      keys.map(({ organizationId, id }) => sql`(${organizationId}::uuid, ${id}::uuid)`),
      sql`, `,
    );
    await this.db
      .update(texts)
      .set({ claimedUntil: null })
      .where(
        and(
          eq(texts.status, "ACCEPTED"),
          sql`(${texts.organizationId}, ${texts.id}) in (${pairs})`,
        ),
      );
  }

  async scheduleRetry(
    organizationId: string,
    id: string,
    nextAttemptAt: Date,
    error: string,
  ): Promise<void> {
    await this.db
      .update(texts)
      .set({
        attempts: sql`${texts.attempts} + 1`,
        nextAttemptAt,
        claimedUntil: null,
        error,
        lastModifiedAt: new Date(),
      })
      .where(tenantRow(texts, organizationId, id));
  }
}
