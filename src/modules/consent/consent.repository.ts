import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
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
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";

/** The only code that touches the ledger: it inserts and reads, never updates or deletes. */
export class ConsentRepository {
  constructor(private readonly db: Executor) {}

  async appendEvent(executor: Executor, row: NewConsentEventRow): Promise<ConsentEventRow> {
    const [created] = await executor.insert(consentEvents).values(row).returning();
    return created;
  }

  findByIdempotencyKeys(
    executor: Executor,
    organizationId: string,
    keys: string[],
  ): Promise<ConsentEventRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return executor
      .select()
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.organizationId, organizationId),
          inArray(consentEvents.idempotencyKey, keys),
        ),
      );
  }

  /** Whether a state-changing event for this value and channel takes effect after `effectiveAt`. */
  async hasLaterDecision(
    executor: Executor,
    organizationId: string,
    contact: string,
    channel: CommunicationTypeValue,
    effectiveAt: Date,
  ): Promise<boolean> {
    const [row] = await executor
      .select({ id: consentEvents.id })
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.organizationId, organizationId),
          eq(consentEvents.contact, contact),
          eq(consentEvents.channel, channel),
          inArray(consentEvents.effect, ["OPT_OUT", "OPT_IN", "CREATED"]),
          gt(consentEvents.effectiveAt, effectiveAt),
        ),
      )
      .limit(1);
    return row !== undefined;
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
      .where(
        and(
          eq(pendingOptIns.organizationId, organizationId),
          eq(pendingOptIns.contact, contact),
          eq(pendingOptIns.channel, channel),
        ),
      );
    return row;
  }

  async clearPendingOptIn(
    executor: Executor,
    organizationId: string,
    contact: string,
    channel: CommunicationTypeValue,
  ) {
    await executor
      .delete(pendingOptIns)
      .where(
        and(
          eq(pendingOptIns.organizationId, organizationId),
          eq(pendingOptIns.contact, contact),
          eq(pendingOptIns.channel, channel),
        ),
      );
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
