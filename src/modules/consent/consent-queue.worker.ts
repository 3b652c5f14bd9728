import { logRoundError, PollingWorker } from "../../lib/polling-worker";
import { isDatabaseUnavailable } from "../../lib/errors";
import type { Logger } from "../../logger";
import type { ConsentChange } from "./consent-apply";
import type { QueuedOptOutRequestRow } from "../../db/schema";
import type { ConsentRepository } from "./consent.repository";
import type { ConsentService } from "./consent.service";

export interface ConsentQueueOptions {
  batchSize: number;
  pollIntervalMs: number;
  leaseMs: number;
}

/**
 * Applies seed-003 requests queued with processSynchronously: false. Claims with FOR UPDATE SKIP
 * LOCKED under a lease; each request is marked applied in the transaction that applies it, so a
 * restart neither loses one nor applies one twice.
 */
export class ConsentQueueWorker extends PollingWorker<QueuedOptOutRequestRow> {
  constructor(
    private readonly repository: ConsentRepository,
    private readonly consent: ConsentService,
    private readonly logger: Logger,
    private readonly options: ConsentQueueOptions,
  ) {
    super(options.pollIntervalMs, (error) =>
      logRoundError(logger, error, "consent queue round failed"),
    );
  }

  /** Applies a round's claims one after another, each marked applied in its own transaction. */
  async runOnce(): Promise<number> {
    // A failed round's claims, if handing them back failed too (the database was down).
    await this.releaseClaims();
    const claimed = await this.repository.claimQueued(this.options.batchSize, this.options.leaseMs);
    let next = 0;
    try {
      for (; next < claimed.length && !this.stopping; next += 1) {
        await this.applyQueued(claimed[next]);
      }
    } finally {
      // Not applied: the round failed, or the worker is stopping.
      this.abandon(claimed.slice(next));
    }
    return claimed.length;
  }

  protected override handBack(claims: QueuedOptOutRequestRow[]): Promise<void> {
    return this.repository.releaseClaims(claims);
  }

  private async applyQueued(queued: QueuedOptOutRequestRow): Promise<void> {
    const stored = queued.request as ConsentChange & { effectiveAt: string };
    const change: ConsentChange = { ...stored, effectiveAt: new Date(stored.effectiveAt) };
    try {
      await this.consent.applyNow(change, async (tx) => {
        if (!(await this.repository.markApplied(tx, queued.organizationId, queued.id))) {
          throw new AlreadyApplied();
        }
      });
    } catch (error) {
      if (error instanceof AlreadyApplied) return;
      // The database gone: the round fails and is retried, the request's claim handed back.
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.error({ err: error, requestId: queued.id }, "queued opt-out request failed");
      await this.repository.recordQueuedFailure(queued.organizationId, queued.id, String(error));
    }
  }
}

/** Another instance applied it first; rolling back this attempt keeps it exactly once. */
class AlreadyApplied extends Error {}
