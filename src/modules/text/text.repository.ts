import { and, count, eq, getTableColumns, inArray, lt, min, or, SQL, sql } from "drizzle-orm";
import { selectRows, type Executor } from "../../db/client";
import { PLAN_EACH_RUN } from "../../db/named-statements";
import { texts, type NewTextRow, type TextRow, type TextStatusValue } from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow, tenantRowsIn, type TenantKey } from "../../db/tenant";
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

/**
 * The `error` of a text CANCELED because its recipient opted out before it was sent; the opt-out
 * trigger of migration cancel-texts-on-opt-out-trigger writes the same words.
 */
export const CANCELED_FOR_OPT_OUT = "OPTED_OUT: the recipient opted out before the text was sent";

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
   * Consent is checked by keepSendable, just before the provider call. The status is a literal,
   * so that the outbox's partial index applies, and the statement is planned each run
   * (PLAN_EACH_RUN): a generic plan made while the table was young scanned every text for the due
   * ones and found each claimed one through an organization-wide index range.
   */
  async claimDue(limit: number, leaseMs: number): Promise<TextRow[]> {
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
    const claim = this.db
      .update(texts)
      .set({ claimedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(sql`(${texts.organizationId}, ${texts.id}) in ${due}`)
      .returning();
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      sql`${sql.raw(PLAN_EACH_RUN)} with claimed as ${claim} select * from claimed`,
    );
    return rows.map(textRowOf);
  }

  /**
   * The dispatcher's last word before the provider call, one conditional update for a round's
   * claimed texts: a text still ACCEPTED under this claim's lease whose recipient may be texted
   * now (`textingAllowed`; a consent confirmation always may) stays sendable, and the ids of those
   * are answered; one whose recipient opted out is CANCELED with CANCELED_FOR_OPT_OUT, as the
   * opt-out's trigger (migration cancel-texts-on-opt-out-trigger) cancels the texts nobody holds.
   * A text no longer ACCEPTED (canceled meanwhile) is neither. Texts are locked before the
   * preferences are share-locked, in the order consent changes lock them (as insertEach); the
   * trigger skips locked texts, so the two never wait on each other in a cycle.
   */
  async keepSendable(
    claimed: readonly Pick<TextRow, "organizationId" | "id">[],
    textingAllowed: (organizationId: SQL, target: SQL) => SQL,
  ): Promise<Set<string>> {
    if (claimed.length === 0) return new Set();
    const allowed = textingAllowed(CLAIMED_ORGANIZATION, CLAIMED_TARGET);
    const rows = await selectRows<{ id: string; sendable: boolean }>(
      this.db,
      sql`with locked as materialized (
          select t.organization_id, t.id, t.target, t.purpose from texts t
          where (t.organization_id, t.id) in (
              select r.organization_id, r.id from jsonb_to_recordset(${JSON.stringify(
                claimed.map(({ organizationId, id }) => ({ organization_id: organizationId, id })),
              )}::jsonb) as r(organization_id uuid, id uuid))
            and t.status = 'ACCEPTED' and t.claimed_until > now()
          for update of t
        ),
        checked as materialized (
          select claimed_text.organization_id, claimed_text.id,
                 claimed_text.purpose = 'CONSENT_CONFIRMATION' or ${allowed} as sendable
          from (select * from locked order by organization_id, target collate "C" offset 0)
            as claimed_text
        ),
        canceled as (
          update texts t set status = 'CANCELED', error = ${CANCELED_FOR_OPT_OUT},
                 claimed_until = null, last_modified_at = now()
            from checked c
           where t.organization_id = c.organization_id and t.id = c.id and not c.sendable
        )
        select id, sendable from checked`,
    );
    return new Set(rows.filter((row) => row.sendable).map((row) => row.id));
  }

  /**
   * ACCEPTED texts of every organization and the earliest next attempt among them (a text held
   * for quiet hours or backing off is due later than it was accepted). The status is a literal,
   * so that the outbox's partial index answers it alone.
   */
  async outboxStatus(): Promise<{ depth: number; oldestAt: Date | null }> {
    const [row] = await this.db
      .select({ depth: count(), oldestAt: min(texts.nextAttemptAt) })
      .from(texts)
      .where(sql`${texts.status} = 'ACCEPTED'`);
    return row;
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
  async releaseClaims(keys: readonly TenantKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .update(texts)
      .set({ claimedUntil: null })
      .where(and(eq(texts.status, "ACCEPTED"), tenantRowsIn(texts, keys)));
  }

  /**
   * Hands a text back for a retry after a transient provider failure, in one conditional update:
   * if its recipient opted out meanwhile (the opt-out's trigger skipped it, as it was claimed) it
   * is CANCELED instead, so no later opt-in brings it back (the replay found such a text sent
   * after a later START).
   */
  async scheduleRetry(
    organizationId: string,
    id: string,
    nextAttemptAt: Date,
    error: string,
    textingAllowed: (organizationId: SQL, target: SQL) => SQL,
  ): Promise<void> {
    const stays = sql`(${texts.purpose} = 'CONSENT_CONFIRMATION' or ${textingAllowed(
      sql.raw(`"texts"."${texts.organizationId.name}"`),
      sql.raw(`"texts"."${texts.target.name}"`),
    )})`;
    await this.db
      .update(texts)
      .set({
        attempts: sql`${texts.attempts} + 1`,
        status: sql`case when ${stays} then 'ACCEPTED'::text_status else 'CANCELED'::text_status end`,
        nextAttemptAt,
        claimedUntil: null,
        error: sql`case when ${stays} then ${error} else ${CANCELED_FOR_OPT_OUT} end`,
        lastModifiedAt: new Date(),
      })
      .where(and(tenantRow(texts, organizationId, id), sql`${texts.status} = 'ACCEPTED'`));
  }
}
