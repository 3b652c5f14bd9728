import { sql } from "drizzle-orm";
import { PLAN_EACH_RUN } from "../../db/named-statements";
import { textStatus, type TextStatusValue } from "../../db/schema";

/** Statuses after which nothing moves a text any more. */
const FINAL_STATUSES: TextStatusValue[] = [
  "DELIVERED",
  "UNDELIVERED",
  "FAILED",
  "CANCELED",
  "RECEIVED",
];

/**
 * One requested status move: for the text with our `id`, or, without one, for the text that
 * holds `providerSid` (the provider's message id). A move that carries a `providerSid` stores it,
 * and never touches a text that holds another one.
 */
export interface StatusMove {
  organizationId: string;
  id: string | null;
  providerSid: string | null;
  status: TextStatusValue;
  /** Kept as it was when null. */
  error: string | null;
}

function asRecord(move: StatusMove, n: number) {
  return {
    n,
    organization_id: move.organizationId,
    id: move.id,
    provider_sid: move.providerSid,
    status: move.status,
    error: move.error,
  };
}

/**
 * Moves many texts forward in one statement (CONSENT.md: status callbacks only move forward):
 * a status earlier in the enum than the current one, or any change after a final status, is
 * ignored, so a late "sent" after "delivered" changes nothing, in any order of arrival. Of
 * several moves for one text in a batch the furthest wins, as if they had come one by one. Rows
 * are locked in key order first, so two batches moving overlapping texts cannot deadlock.
 * Selects the index `n` of each move whose text exists.
 *
 * Each move finds its text with one probe of the key (lateral, not flattened into a join), and
 * the statement is planned each run: its generic plan, made while the table was young, joined the
 * recordset to a scan of all texts and found each text through texts_account_idx's whole
 * organization range, 15–85 ms of Postgres time a batch once the benchmark had 8,000 texts.
 */
export const advanceEachStatement = (moves: readonly StatusMove[]) => sql`${sql.raw(PLAN_EACH_RUN)}
  with input as (
    select r.n, r.organization_id, r.provider_sid, r.status, r.error,
           coalesce(r.id, (select s.id from texts s
                           where s.organization_id = r.organization_id
                             and s.provider_sid = r.provider_sid)) as id
    from jsonb_to_recordset(${JSON.stringify(moves.map(asRecord))}::jsonb) as r(n int, organization_id uuid, id uuid,
      provider_sid varchar(64), status ${sql.raw(textStatus.enumName)}, error text)
  ),
  matched as (
    select input.* from input cross join lateral (select 1 from texts t
      where t.organization_id = input.organization_id and t.id = input.id
        and (input.provider_sid is null or t.provider_sid is null
             or t.provider_sid = input.provider_sid) limit 1) t
  ),
  furthest as (
    select distinct on (organization_id, id) * from matched
    order by organization_id, id, status desc
  ),
  locked as materialized (
    select t.organization_id, t.id from texts t
      join furthest f on f.organization_id = t.organization_id and f.id = t.id
    order by t.organization_id, t.id
    for update of t
  ),
  moved as (
    update texts t
       set status = f.status,
           provider_sid = coalesce(f.provider_sid, t.provider_sid),
           error = coalesce(f.error, t.error),
           claimed_until = null,
           last_modified_at = now()
      from furthest f join locked l on l.organization_id = f.organization_id and l.id = f.id
     where t.organization_id = f.organization_id and t.id = f.id
       and t.status < f.status
       and t.status not in (${sql.raw(FINAL_STATUSES.map((status) => `'${status}'`).join(", "))})
       and (f.provider_sid is null or t.provider_sid is null or t.provider_sid = f.provider_sid)
    returning t.id
  )
  select n from matched`;
