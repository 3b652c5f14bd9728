import { tenantRowsIn, type TenantKey } from "../../db/tenant";
import {
  and,
  count,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNull,
  lt,
  min,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import type { Executor } from "../../db/client";
import { NamedStatementShapes } from "../../db/fixed-statements";
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
  /** By pairKey: epoch milliseconds of the latest decision (an OPT_OUT, OPT_IN or CREATED event). */
  decidedAt: Map<string, number>;
  /**
   * By pairKey: epoch milliseconds of the latest opt-out or opt-in (a creation left out): what a
   * late opt-out is settled against, since a creation never overrides an opt-out (CONSENT.md).
   */
  flaggedAt: Map<string, number>;
  /** By pairKey: the reason of the pending opt-in. */
  pending: Map<string, string>;
  doubleOptIn: boolean;
  /** What the `alongside` query answered. */
  alongside: string | null;
}

/** A row of findLedgerState's statement, in select-list order. */
type LedgerStateRow = [
  kind: "repeat" | "decided" | "flagged" | "pending" | "switch" | "alongside",
  key: string | null,
  contact: string,
  channel: CommunicationTypeValue,
  decidedAtMs: number | null,
  /** A pending opt-in's reason, the double opt-in switch ('true' / 'false'), or `alongside`'s answer. */
  detail: string | null,
];

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

const LEDGER_STATE = new NamedStatementShapes();

/**
 * findLedgerState's statement. One index probe per key and value (lateral), on columns that make
 * either of the ledger's indexes selective: the planner cannot size a recordset, and with a young
 * table's statistics it would as soon scan the whole organization's ledger.
 */
function ledgerStateQuery(withPending: boolean, doubleOptIn: SQL | null, alongside: SQL | null) {
  const organizationId = sql.placeholder("organizationId");
  const pairs = PAIR_RECORDS.fromPlaceholder("pairs");
  const pending = withPending
    ? sql`union all
      select 'pending', null, p.contact, p.channel::text, null, o.reason
      from ${pairs} cross join lateral (select reason from ${pendingOptIns}
        where organization_id = ${organizationId} and contact = p.contact
          and channel = p.channel) o`
    : sql``;
  const theSwitch = doubleOptIn
    ? sql`union all select 'switch', null, null, null, null, double_opt_in::text from switch`
    : sql``;
  const alongsideRow = alongside
    ? sql`union all select 'alongside', null, null, null, null, ${alongside}`
    : sql``;
  return sql`${doubleOptIn ? sql`with switch as (${doubleOptIn})` : sql``}
    select 'repeat' as kind, k.idempotency_key as key, null::text as contact, null::text as channel,
      null::float8 as decided_at_ms, null::text as detail
    from ${KEY_RECORDS.fromPlaceholder("keys")} cross join lateral (select 1 from ${consentEvents}
      where organization_id = ${organizationId} and contact = k.contact
        and channel = k.channel and idempotency_key = k.idempotency_key limit 1) e
    union all
    select v.kind, null, p.contact, p.channel::text, v.at, null
    from ${pairs} cross join lateral (
      select (extract(epoch from max(e.effective_at)) * 1000)::float8 as at,
        (extract(epoch from max(e.effective_at) filter (where e.effect <> 'CREATED')) * 1000)::float8
          as flagged_at
      from ${consentEvents} e
      where e.organization_id = ${organizationId} and e.contact = p.contact
        and e.channel = p.channel and e.effect in ('OPT_OUT', 'OPT_IN', 'CREATED')) d
    cross join lateral (values ('decided', d.at), ('flagged', d.flagged_at)) v(kind, at)
    where v.at is not null
    ${pending} ${theSwitch} ${alongsideRow}`;
}

const APPEND_BATCH = new NamedStatementShapes();

/** appendBatch's statement for a batch of this shape: which parts it writes. */
function appendBatchQuery(shape: {
  preferences: { unchanged: SQL; created: SQL; updated: SQL } | null;
  doubleOptIn: SQL | null;
  clearsPending: boolean;
  putsPending: boolean;
}): SQL {
  const conditions = [
    shape.preferences?.unchanged ?? sql`true`,
    shape.doubleOptIn
      ? sql`(${shape.doubleOptIn}) = ${sql.placeholder("doubleOptInExpected")}`
      : sql`true`,
  ];
  const ctes: SQL[] = [sql`verdict as (select ${sql.join(conditions, sql` and `)} as ok)`];
  if (shape.preferences) {
    ctes.push(sql`created_preferences as (${shape.preferences.created})`);
    ctes.push(sql`updated_preferences as (${shape.preferences.updated})`);
  }
  if (shape.clearsPending) {
    ctes.push(sql`cleared_pending as (delete from ${pendingOptIns}
      where organization_id = ${sql.placeholder("organizationId")} and ${WRITE_GUARD}
        and (contact, channel) in (select p.contact, p.channel
          from ${PAIR_RECORDS.fromPlaceholder("clearedPending")}))`);
  }
  if (shape.putsPending) {
    ctes.push(sql`put_pending as (insert into ${pendingOptIns}
      select ${PENDING_INSERT_LIST} from ${PENDING_RECORDS.fromPlaceholder("putPending")}
      where ${WRITE_GUARD}
      on conflict (organization_id, contact, channel) do update set reason = excluded.reason,
        event_id = excluded.event_id, created_at = excluded.created_at)`);
  }
  ctes.push(sql`appended as (insert into ${consentEvents}
    select ${EVENT_INSERT_LIST} from ${EVENT_RECORDS.fromPlaceholder("events")} where ${WRITE_GUARD})`);
  // The statement's own transaction id is the xmin of every row it writes.
  return sql`with ${sql.join(ctes, sql`, `)}
    select case when ok then pg_current_xact_id()::xid::text end as version from verdict`;
}

/** The only code that touches the ledger: it inserts and reads, never updates or deletes. */
export class ConsentRepository {
  constructor(private readonly db: Executor) {}

  async appendEvent(executor: Executor, row: NewConsentEventRow): Promise<ConsentEventRow> {
    const [created] = await executor.insert(consentEvents).values(row).returning();
    return created;
  }

  /**
   * What the ledger says about a batch's values, read after their preferences or together with
   * them (`alongside`; ConsentLedger.readStart says why): which idempotency keys it already
   * holds, when each value's channel was last decided (the latest effective time of an OPT_OUT,
   * OPT_IN or CREATED event) and last opted out or in (the same without CREATED), and, when
   * asked, the pending opt-ins and the double opt-in switch (`doubleOptIn`, a query answering
   * `double_opt_in`), all in one statement.
   */
  async findLedgerState(
    executor: Executor,
    organizationId: string,
    query: {
      keys: readonly KeyOfValue[];
      pairs: readonly ChannelOfValue[];
      withPending: boolean;
      /** A query answering `double_opt_in`, over the placeholder `organizationId`. */
      doubleOptIn: SQL | null;
      /**
       * Another module's query answering text, read in the same snapshot (LedgerState.alongside),
       * over `organizationId` and the placeholders `values` binds.
       */
      alongside: { query: SQL; values: Record<string, unknown> } | null;
    },
  ): Promise<LedgerState> {
    const statement = LEDGER_STATE.get(
      [query.withPending, query.doubleOptIn !== null, query.alongside !== null].join(),
      () => ledgerStateQuery(query.withPending, query.doubleOptIn, query.alongside?.query ?? null),
    );
    const raw = await statement.run(executor, {
      organizationId,
      keys: KEY_RECORDS.json(query.keys),
      pairs: PAIR_RECORDS.json(query.pairs),
      ...query.alongside?.values,
    });
    const state: LedgerState = {
      repeatedKeys: [],
      decidedAt: new Map(),
      flaggedAt: new Map(),
      pending: new Map(),
      doubleOptIn: false,
      alongside: null,
    };
    for (const row of raw as LedgerStateRow[]) {
      const [kind, key, contact, channel, decidedAtMs, detail] = row;
      if (kind === "repeat") state.repeatedKeys.push(key!);
      else if (kind === "decided") state.decidedAt.set(pairKey({ contact, channel }), decidedAtMs!);
      else if (kind === "flagged") state.flaggedAt.set(pairKey({ contact, channel }), decidedAtMs!);
      else if (kind === "pending") state.pending.set(pairKey({ contact, channel }), detail!);
      else if (kind === "switch") state.doubleOptIn = detail === "true";
      else state.alongside = detail;
    }
    return state;
  }

  /**
   * Appends a batch's events in one statement, together with its preference writes and pending
   * opt-in changes (CONSENT.md: a preference changes only together with its event), provided
   * the state the batch was settled against still holds: its preferences unchanged and, when it
   * read it, the double opt-in switch the same. Answers the version (xmin) every row it wrote
   * now has, or null, having written nothing, when that state no longer holds. A repeat's
   * idempotency key or a new value recorded meanwhile by another transaction fails the statement
   * with a unique violation.
   */
  async appendBatch(
    executor: Executor,
    organizationId: string,
    batch: {
      events: readonly ConsentEventRow[];
      /** The preference module's parts of the statement and the values of their placeholders. */
      preferences: {
        statements: { unchanged: SQL; created: SQL; updated: SQL };
        values: Record<string, unknown>;
      } | null;
      /** A query answering `double_opt_in` over `organizationId`, and what the batch read. */
      doubleOptIn: { query: SQL; expected: boolean } | null;
      clearedPending: readonly ChannelOfValue[];
      putPending: readonly PendingOptInRow[];
    },
  ): Promise<string | null> {
    const shape = {
      preferences: batch.preferences?.statements ?? null,
      doubleOptIn: batch.doubleOptIn?.query ?? null,
      clearsPending: batch.clearedPending.length > 0,
      putsPending: batch.putPending.length > 0,
    };
    const statement = APPEND_BATCH.get(
      [
        shape.preferences !== null,
        shape.doubleOptIn !== null,
        shape.clearsPending,
        shape.putsPending,
      ].join(),
      () => appendBatchQuery(shape),
    );
    // Keys and pending opt-ins are written in one order by every batch, so two batches that
    // share some wait for each other instead of deadlocking.
    const [[version]] = await statement.run(executor, {
      organizationId,
      events: EVENT_RECORDS.json(inLockOrder(batch.events, (event) => event.idempotencyKey ?? "")),
      clearedPending: PAIR_RECORDS.json(batch.clearedPending),
      putPending: PENDING_RECORDS.json(inLockOrder(batch.putPending, pairKey)),
      doubleOptInExpected: batch.doubleOptIn?.expected ?? null,
      ...batch.preferences?.values,
    });
    return version as string | null;
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

  /** Unapplied requests of every organization and the oldest one's time, from the due index. */
  async queuedRequestsStatus(): Promise<{ depth: number; oldestAt: Date | null }> {
    const [row] = await this.db
      .select({ depth: count(), oldestAt: min(queuedOptOutRequests.createdAt) })
      .from(queuedOptOutRequests)
      .where(isNull(queuedOptOutRequests.appliedAt));
    return row;
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

  /** Hands back claims not applied (a worker stopping, or its round failing): claimable at once. */
  async releaseClaims(keys: readonly TenantKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .update(queuedOptOutRequests)
      .set({ claimedUntil: null })
      .where(and(isNull(queuedOptOutRequests.appliedAt), tenantRowsIn(queuedOptOutRequests, keys)));
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
