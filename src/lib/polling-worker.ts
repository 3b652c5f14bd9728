/**
 * A background loop that runs rounds until nothing is left, then polls; `wake()` asks for a
 * round now (after a commit that created work). `stop()` waits for the round in progress.
 */
export abstract class PollingWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wakeRequested = false;

  protected constructor(
    private readonly pollIntervalMs: number,
    private readonly onRoundError: (error: unknown) => void,
  ) {}

  /** One round of work; answers how many items it took, so `drain` knows when to rest. */
  abstract runOnce(): Promise<number>;

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
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
    this.running = this.drain().catch(this.onRoundError);
    await this.running;
    this.running = null;
    const again = this.wakeRequested;
    this.wakeRequested = false;
    this.schedule(again ? 0 : this.pollIntervalMs);
  }
}
