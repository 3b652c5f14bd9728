import { innermostMessage, isDatabaseUnavailable } from "./errors";

/** After a failed round: 0.5 s, 1 s, 2 s … capped at 15 s, each with jitter (½ to 1×). */
export function failureBackoffMs(failures: number, random: () => number = Math.random): number {
  return Math.round(Math.min(15_000, 500 * 2 ** (failures - 1)) * (0.5 + random() / 2));
}

/** Logs a failed round: an unreachable database as a warning (it passes), anything else as an error. */
export function logRoundError(
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  error: unknown,
  message: string,
): void {
  // The reason only: Drizzle's wrapper carries the statement's parameters (phone numbers).
  if (isDatabaseUnavailable(error)) {
    logger.warn({ reason: innermostMessage(error) }, `${message}: database unavailable`);
  } else logger.error({ err: error }, message);
}

/**
 * A background loop that runs rounds until nothing is left, then polls; `wake()` asks for a
 * round now (after a commit that created work). `stop()` waits for the round in progress. A
 * round that fails (the database gone, say) is retried after a bounded, jittered backoff, so the
 * worker resumes by itself when the database returns.
 */
export abstract class PollingWorker<Claim = never> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wakeRequested = false;
  private failures = 0;
  /** Set by stop(); a worker never started (rounds run by hand, in tests) is not stopping. */
  private stopRequested = false;

  protected constructor(
    private readonly pollIntervalMs: number,
    private readonly onRoundError: (error: unknown) => void,
  ) {}

  /** One round of work; answers how many items it took, so `drain` knows when to rest. */
  abstract runOnce(): Promise<number>;

  start(): void {
    this.stopped = false;
    this.stopRequested = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.releaseClaims().catch(this.onRoundError);
  }

  /** Whether stop() was called: a round checks it between items, to hand the rest back. */
  protected get stopping(): boolean {
    return this.stopRequested;
  }

  /**
   * Claims of this worker's own rounds that failed or stopped before finishing them, to hand back
   * (only those: rounds may run side by side, drain() beside the loop, and another round's claims
   * are not this one's).
   */
  private abandoned: Claim[] = [];

  /** Claims a round took and did not finish; releaseClaims hands them back. */
  protected abandon(claims: readonly Claim[]): void {
    this.abandoned.push(...claims);
  }

  /** Makes `claims` claimable again at once (the worker's repository); nothing by default. */
  protected async handBack(_claims: Claim[]): Promise<void> {}

  /**
   * Hands back what this worker claimed and did not finish (at stop, after a failed round, and
   * before a round when handing back failed too), so another instance, or this one's next round,
   * takes it at once rather than when its lease ends.
   */
  protected async releaseClaims(): Promise<void> {
    if (this.abandoned.length === 0) return;
    const released = this.abandoned.splice(0);
    try {
      await this.handBack(released);
    } catch (error) {
      this.abandoned.push(...released);
      throw error;
    }
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Rounds until nothing is due. */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.runOnce()) > 0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delayMs);
  }

  private async loop(): Promise<void> {
    this.timer = null;
    let failed = false;
    this.running = this.drain().then(
      () => undefined,
      async (error: unknown) => {
        failed = true;
        this.onRoundError(error);
        await this.releaseClaims().catch(() => undefined);
      },
    );
    await this.running;
    this.running = null;
    this.failures = failed ? this.failures + 1 : 0;
    const again = this.wakeRequested;
    this.wakeRequested = false;
    if (this.failures > 0) this.schedule(failureBackoffMs(this.failures));
    else this.schedule(again ? 0 : this.pollIntervalMs);
  }
}
