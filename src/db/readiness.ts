import { sql } from "drizzle-orm";
import { answerWithin } from "../lib/deadline";
import type { Database } from "./client";

/**
 * Whether the database answers `select 1` within `timeoutMs`. A statement still waiting at the
 * deadline is left to the pool's own deadlines; readiness answers on time regardless, so that a
 * frozen database turns the instance not-ready rather than leaving the probe hanging.
 */
export async function databaseAnswers(db: Database, timeoutMs: number): Promise<boolean> {
  const answered = db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
  return (await answerWithin(answered, timeoutMs)) ?? false;
}
