import {
  and,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import { selectRows, type Executor } from "../../db/client";
import { Recordset } from "../../db/recordset";
import {
  consentEvents,
  pendingOptIns,
  queuedOptOutRequests,
  type CommunicationTypeValue,
  type ConsentEventRow,
  type NewConsentEventRow,
  type QueuedOptOutRequestRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { inLockOrder } from "../../db/lock-order";

/** A value and one of its channels. */
export interface ChannelOfValue {
  contact: string;
  channel: CommunicationTypeValue;
}

export type PendingOptInRow = typeof pendingOptIns.$inferSelect;

export interface LedgerState {
  repeatedKeys: string[];
  /** By pairKey: epoch milliseconds of the latest decision. */
  decidedAt: Map<string, number>;
  /** By pairKey: the reason of the pending opt-in. */
  pending: Map<string, string>;
  doubleOptIn: boolean;
  /** What the `alongside` query answered. */
  alongside: string | null;
}

interface LedgerStateRow {
  kind: "repeat" | "decided" | "pending" | "switch" | "alongside";
  key: string | null;
  contact: string;
  channel: CommunicationTypeValue;
  decided_at_ms: number | null;
  /** A pending opt-in's reason, the double opt-in switch ('true' / 'false'), or `alongside`'s answer. */
  detail: string | null;
}

/** What every write of ConsentRepository.appendBatch is conditioned on. */
export const WRITE_GUARD = sql`(select ok from verdict)`;

export const pairKey = (pair: ChannelOfValue) => `${pair.channel}:${pair.contact}`;

const EVENT_RECORDS = new Recordset<ConsentEventRow>("e", getTableColumns(consentEvents));
const EVENT_INSERT_LIST = EVENT_RECORDS.insertSelectList(consentEvents);
const PENDING_RECORDS = new Recordset<PendingOptInRow>("o", getTableColumns(pendingOptIns));
const PENDING_INSERT_LIST = PENDING_RECORDS.insertSelectList(pendingOptIns);
/** An idempotency key with the value and channel it names. */
export type KeyOfValue = ChannelOfValue & { idempotencyKey: string };

const KEY_RECORDS = new Recordset<KeyOfValue>("k", {
  idempotencyKey: consentEvents.idempotencyKey,
  contact: consentEvents.contact,
  channel: consentEvents.channel,
});
const PAIR_RECORDS = new Recordset<ChannelOfValue>("p", {
  contact: consentEvents.contact,
  channel: consentEvents.channel,
});

/** The only code that touches the ledger: it inserts and reads, never updates or deletes. */
export class ConsentRepository {
  constructor(private readonly db: Executor) {}

  async appendEvent(executor: Executor, row: NewConsentEventRow): Promise<ConsentEventRow> {
    const [created] = await executor.insert(consentEvents).values(row).returning();
    return created;
  }

  /**
   * What the ledger says about a batch's values, read after their preferences or together with
   * them (`alongside`; ConsentLedger.openBatch says why): which idempotency keys it already holds, when each value's channel was last
   * decided (the latest effective time of an OPT_OUT, OPT_IN or CREATED event), and, when asked,
   * the pending opt-ins and the double opt-in switch (`doubleOptIn`, a query answering
   * `double_opt_in`), all in one statement.
   */
  async findLedgerState(
    executor: Executor,
    organizationId: string,
    query: {
      keys: readonly KeyOfValue[];
      pairs: readonly ChannelOfValue[];
      withPending: boolean;
      doubleOptIn: SQL | null;
      /** Another module's query answering text, read in the same snapshot (LedgerState.alongside). */
      alongside: SQL | null;
    },
  ): Promise<LedgerState> {
    // One index probe per key and value (lateral), on columns that make either of the ledger's
    // indexes selective: the planner cannot size a recordset, and with a young table's
    // statistics it would as soon scan the whole organization's ledger.
    const pairs = PAIR_RECORDS.from(query.pairs);
    const pending = query.withPending
      ? sql`union all
        select 'pending', null, p.contact, p.channel::text, null, o.reason
        from ${pairs} cross join lateral (select reason from ${pendingOptIns}
          where organization_id = ${organizationId} and contact = p.contact
            and channel = p.channel) o`
      : sql``;
    const doubleOptIn = query.doubleOptIn
      ? sql`union all select 'switch', null, null, null, null, double_opt_in::text from switch`
      : sql``;
    const alongside = query.alongside
      ? sql`union all select 'alongside', null, null, null, null, ${query.alongside}`
      : sql``;
    const rows = await selectRows<LedgerStateRow>(
      executor,
      sql`${query.doubleOptIn ? sql`with switch as (${query.doubleOptIn})` : sql``}
        select 'repeat' as kind, k.idempotency_key as key, null::text as contact, null::text as channel,
          null::float8 as decided_at_ms, null::text as detail
        from ${KEY_RECORDS.from(query.keys)} cross join lateral (select 1 from ${consentEvents}
          where organization_id = ${organizationId} and contact = k.contact
            and channel = k.channel and idempotency_key = k.idempotency_key limit 1) e
        union all
        select 'decided', null, p.contact, p.channel::text, d.at, null
        from ${pairs} cross join lateral (
          select (extract(epoch from max(e.effective_at)) * 1000)::float8 as at
          from ${consentEvents} e
          where e.organization_id = ${organizationId} and e.contact = p.contact
            and e.channel = p.channel and e.effect in ('OPT_OUT', 'OPT_IN', 'CREATED')) d
        where d.at is not null
        ${pending} ${doubleOptIn} ${alongside}`,
    );
    const state: LedgerState = {
      repeatedKeys: [],
      decidedAt: new Map(),
      pending: new Map(),
      doubleOptIn: false,
      alongside: null,
    };
    for (const row of rows) {
      if (row.kind === "repeat") state.repeatedKeys.push(row.key!);
      else if (row.kind === "decided") state.decidedAt.set(pairKey(row), row.decided_at_ms!);
      else if (row.kind === "pending") state.pending.set(pairKey(row), row.detail!);
      else if (row.kind === "switch") state.doubleOptIn = row.detail === "true";
      else state.alongside = row.detail;
    }
    return state;
  }

  /**
   * Appends a batch's events in one statement, together with its preference writes and pending
   * opt-in changes (CONSENT.md: a preference changes only together with its event), provided
   * the state the batch was settled against still holds: its preferences unchanged and, when it
   * read it, the double opt-in switch the same. Answers the version (xmin) every row it wrote
   * now has, or null, having written nothing, when that state no longer holds. A repeat's idempotency key or a new value recorded meanwhile by another
   * transaction fails the statement with a unique violation.
   */
  async appendBatch(
    executor: Executor,
    organizationId: string,
    batch: {
      events: readonly ConsentEventRow[];
      preferences: { unchanged: SQL; created: SQL; updated: SQL } | null;
      doubleOptIn: { query: SQL; expected: boolean } | null;
      clearedPending: readonly ChannelOfValue[];
      putPending: readonly PendingOptInRow[];
    },
  ): Promise<string | null> {
    const conditions = [
      batch.preferences?.unchanged ?? sql`true`,
      batch.doubleOptIn
        ? sql`(${batch.doubleOptIn.query}) = ${batch.doubleOptIn.expected}`
        : sql`true`,
    ];
    const ctes: SQL[] = [sql`verdict as (select ${sql.join(conditions, sql` and `)} as ok)`];
    if (batch.preferences) {
      ctes.push(sql`created_preferences as (${batch.preferences.created})`);
      ctes.push(sql`updated_preferences as (${batch.preferences.updated})`);
    }
    if (batch.clearedPending.length > 0) {
      ctes.push(sql`cleared_pending as (delete from ${pendingOptIns}
        where organization_id = ${organizationId} and ${WRITE_GUARD}
          and (contact, channel) in (select p.contact, p.channel from ${PAIR_RECORDS.from(batch.clearedPending)}))`);
    }
    if (batch.putPending.length > 0) {
      ctes.push(sql`put_pending as (insert into ${pendingOptIns}
        select ${PENDING_INSERT_LIST} from ${PENDING_RECORDS.from(
          inLockOrder(batch.putPending, pairKey),
        )}
        where ${WRITE_GUARD}
        on conflict (organization_id, contact, channel) do update set reason = excluded.reason,
          event_id = excluded.event_id, created_at = excluded.created_at)`);
    }
    // Keys and pending opt-ins are written in one order by every batch, so two batches that
    // share some wait for each other instead of deadlocking.
    const events = inLockOrder(batch.events, (event) => event.idempotencyKey ?? "");
    ctes.push(sql`appended as (insert into ${consentEvents}
      select ${EVENT_INSERT_LIST} from ${EVENT_RECORDS.from(events)} where ${WRITE_GUARD})`);
    // The statement's own transaction id is the xmin of every row it writes.
    const [verdict] = await selectRows<{ version: string | null }>(
      executor,
      sql`with ${sql.join(ctes, sql`, `)}
        select case when ok then pg_current_xact_id()::xid::text end as version from verdict`,
    );
    return verdict.version;
  }

  /** The earlier events that repeated requests stand for. */
  findByIdempotencyKeys(
    executor: Executor,
    organizationId: string,
    keys: readonly string[],
  ): Promise<ConsentEventRow[]> {
    return executor
      .select()
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.organizationId, organizationId),
          inArray(consentEvents.idempotencyKey, [...keys]),
        ),
      );
  }

  /** The event that decides a value's channel now: the latest state-changing one by effective time. */
  async findDecidingEvent(
    organizationId: string,
    contact: string,
    channel: CommunicationTypeValue,
  ): Promise<ConsentEventRow | undefined> {
    const [row] = await this.db
      .select()
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.organizationId, organizationId),
          eq(consentEvents.contact, contact),
          eq(consentEvents.channel, channel),
          inArray(consentEvents.effect, ["OPT_OUT", "OPT_IN", "CREATED"]),
        ),
      )
      .orderBy(desc(consentEvents.effectiveAt), desc(consentEvents.id))
      .limit(1);
    return row;
  }

  listForContact(
    organizationId: string,
    contact: string,
    args: PageArgs,
  ): Promise<Connection<ConsentEventRow>> {
    return fetchPage(
      args,
      byId(consentEvents.id),
      and(eq(consentEvents.organizationId, organizationId), eq(consentEvents.contact, contact)),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(consentEvents)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(consentEvents, where),
    );
  }

  async findPendingOptIn(
    executor: Executor,
    organizationId: string,
    contact: string,
    channel: CommunicationTypeValue,
  ) {
    const [row] = await executor
      .select()
      .from(pendingOptIns)
      .where(
        and(
          eq(pendingOptIns.organizationId, organizationId),
          eq(pendingOptIns.contact, contact),
          eq(pendingOptIns.channel, channel),
        ),
      );
    return row;
  }

  async enqueueRequest(row: typeof queuedOptOutRequests.$inferInsert): Promise<void> {
    await this.db.insert(queuedOptOutRequests).values(row);
  }

  /** Claims unapplied requests of every organization (FOR UPDATE SKIP LOCKED, under a lease). */
  async claimQueued(limit: number, leaseMs: number): Promise<QueuedOptOutRequestRow[]> {
    const due = this.db
      .select({ organizationId: queuedOptOutRequests.organizationId, id: queuedOptOutRequests.id })
      .from(queuedOptOutRequests)
      .where(
        and(
          isNull(queuedOptOutRequests.appliedAt),
          or(
            isNull(queuedOptOutRequests.claimedUntil),
            lt(queuedOptOutRequests.claimedUntil, sql`now()`),
          ),
        ),
      )
      .orderBy(queuedOptOutRequests.createdAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    return this.db
      .update(queuedOptOutRequests)
      .set({
        claimedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        attempts: sql`${queuedOptOutRequests.attempts} + 1`,
      })
      .where(sql`(${queuedOptOutRequests.organizationId}, ${queuedOptOutRequests.id}) in ${due}`)
      .returning();
  }

  /** Marks a queued request applied inside the transaction that applied it: exactly once. */
  async markApplied(executor: Executor, organizationId: string, id: string): Promise<boolean> {
    const updated = await executor
      .update(queuedOptOutRequests)
      .set({ appliedAt: new Date(), claimedUntil: null })
      .where(
        and(
          eq(queuedOptOutRequests.organizationId, organizationId),
          eq(queuedOptOutRequests.id, id),
          isNull(queuedOptOutRequests.appliedAt),
        ),
      )
      .returning({ id: queuedOptOutRequests.id });
    return updated.length > 0;
  }

  async recordQueuedFailure(organizationId: string, id: string, error: string): Promise<void> {
    await this.db
      .update(queuedOptOutRequests)
      .set({ lastError: error, claimedUntil: null })
      .where(
        and(
          eq(queuedOptOutRequests.organizationId, organizationId),
          eq(queuedOptOutRequests.id, id),
        ),
      );
  }

  findEventsByIds(organizationId: string, ids: readonly string[]): Promise<ConsentEventRow[]> {
    return this.db
      .select()
      .from(consentEvents)
      .where(
        and(eq(consentEvents.organizationId, organizationId), inArray(consentEvents.id, [...ids])),
      );
  }
}
