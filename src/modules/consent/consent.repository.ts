import { and, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  consentEvents,
  pendingOptIns,
  queuedOptOutRequests,
  type CommunicationTypeValue,
  type ConsentEventRow,
  type NewConsentEventRow,
  type QueuedOptOutRequestRow,
} from "../../db/schema";
import type { OptOutWarning } from "./consent-rules";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";

/** An event about one value and channel (every event but a deployment switch). */
type LedgerAttributeRow = NewConsentEventRow & { contact: string; channel: CommunicationTypeValue };

/** A state-changing event's flag before and after, and the warning it carries when superseded. */
interface DecisionOutcome {
  previous: boolean | null;
  next: boolean;
  superseded: OptOutWarning;
}

const byIdempotencyKey = (organizationId: string, key: string) =>
  and(eq(consentEvents.organizationId, organizationId), eq(consentEvents.idempotencyKey, key));

const pendingFor = (organizationId: string, contact: string, channel: CommunicationTypeValue) =>
  and(
    eq(pendingOptIns.organizationId, organizationId),
    eq(pendingOptIns.contact, contact),
    eq(pendingOptIns.channel, channel),
  );

/** The only code that touches the ledger: it inserts and reads, never updates or deletes. */
export class ConsentRepository {
  constructor(private readonly db: Executor) {}

  async appendEvent(executor: Executor, row: NewConsentEventRow): Promise<ConsentEventRow> {
    const [created] = await executor.insert(consentEvents).values(row).returning();
    return created;
  }

  /**
   * Appends an attribute's event in one statement. A repeat (its idempotency key is already in
   * the ledger) appends nothing and answers undefined. With an `outcome`, the event settles it
   * against the ledger as it stands once the caller holds the preference's lock: when a decision
   * for the value and channel takes effect later, the flag stays at `previous` and the event
   * carries `superseded`. With `clearPending`, an applied opt-in also ends a pending request.
   */
  async appendOnce(
    executor: Executor,
    row: LedgerAttributeRow,
    outcome: DecisionOutcome | null,
    clearPending: boolean,
  ): Promise<ConsentEventRow | undefined> {
    const insert = outcome
      ? this.insertSettled(executor, row, outcome, clearPending)
      : executor.insert(consentEvents).values(row);
    const [created] = await insert
      .onConflictDoNothing({
        target: [consentEvents.organizationId, consentEvents.idempotencyKey],
        where: sql`${consentEvents.idempotencyKey} is not null`,
      })
      .returning();
    return created;
  }

  private insertSettled(
    executor: Executor,
    row: LedgerAttributeRow,
    outcome: DecisionOutcome,
    clearPending: boolean,
  ) {
    // A CTE, so the statement builds and runs the later-decision lookup once, not three times.
    const laterDecision = this.laterDecision(
      row.organizationId,
      row.contact,
      row.channel,
      row.effectiveAt,
    );
    const decidedLater = executor
      .$with("decided_later", { later: sql<boolean>`later` })
      .as(sql`select exists (${laterDecision}) as later`);
    const later = sql`(select later from ${decidedLater})`;
    const warnings = row.warnings ?? [];
    const settled = {
      ...row,
      newOptedOut: sql`case when ${later} then ${outcome.previous}::boolean else ${outcome.next}::boolean end`,
      warnings: sql`case when ${later} then ${JSON.stringify([...warnings, outcome.superseded])}::jsonb else ${JSON.stringify(warnings)}::jsonb end`,
    };
    const ctes = clearPending
      ? [decidedLater, this.clearPendingUnlessLater(executor, row, later)]
      : [decidedLater];
    return executor
      .with(...ctes)
      .insert(consentEvents)
      .values(settled);
  }

  private clearPendingUnlessLater(executor: Executor, row: LedgerAttributeRow, later: SQL) {
    // A data-modifying CTE runs even when the insert meets its conflict, so a repeat is checked here.
    const repeat = row.idempotencyKey
      ? sql`exists (select 1 from ${consentEvents} where ${byIdempotencyKey(row.organizationId, row.idempotencyKey)})`
      : sql`false`;
    return executor.$with("cleared_pending_opt_in").as(
      executor
        .delete(pendingOptIns)
        .where(
          and(
            pendingFor(row.organizationId, row.contact, row.channel),
            sql`not ${later}`,
            sql`not ${repeat}`,
          ),
        )
        .returning({ contact: pendingOptIns.contact }),
    );
  }

  /** The earlier event a repeated request stands for. */
  async findByIdempotencyKey(
    executor: Executor,
    organizationId: string,
    key: string,
  ): Promise<ConsentEventRow | undefined> {
    const [row] = await executor
      .select()
      .from(consentEvents)
      .where(byIdempotencyKey(organizationId, key));
    return row;
  }

  /** State-changing events for this value and channel that take effect after `effectiveAt`. */
  private laterDecision(
    organizationId: string,
    contact: string,
    channel: CommunicationTypeValue,
    effectiveAt: Date,
  ) {
    return this.db
      .select({ one: sql`1` })
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.organizationId, organizationId),
          eq(consentEvents.contact, contact),
          eq(consentEvents.channel, channel),
          inArray(consentEvents.effect, ["OPT_OUT", "OPT_IN", "CREATED"]),
          gt(consentEvents.effectiveAt, effectiveAt),
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

  /** At most one pending opt-in per value and channel: a newer request replaces the older. */
  async putPendingOptIn(
    executor: Executor,
    row: {
      organizationId: string;
      contact: string;
      channel: CommunicationTypeValue;
      reason: string;
      eventId: string;
    },
  ): Promise<void> {
    await executor
      .insert(pendingOptIns)
      .values(row)
      .onConflictDoUpdate({
        target: [pendingOptIns.organizationId, pendingOptIns.contact, pendingOptIns.channel],
        set: { reason: row.reason, eventId: row.eventId, createdAt: new Date() },
      });
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
      .where(pendingFor(organizationId, contact, channel));
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
