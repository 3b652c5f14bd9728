/**
 * Group commit: calls that arrive while a batch is being written wait and go together in the
 * next one, so N concurrent callers cost one transaction (and one round trip per statement)
 * instead of N. Under no load a call runs at once as a batch of one; under load batches grow by
 * themselves, up to `maxBatch`.
 *
 * `write` answers one outcome per input, in input order. When a batch of several fails as a
 * whole with an error `retryAlone` accepts, each input is retried alone, so one bad input fails
 * only its own caller; any other error fails the whole batch.
 */
export interface GroupCommitOptions {
  /** What the batches write, in words (their span is "group commit <name>"). */
  name?: string;
  /** The most inputs one batch takes. */
  maxBatch: number;
  /** Batches written at the same time (each holds one pooled connection). */
  concurrency: number;
  /** Whether a batch's failure may be one input's fault (default: always). */
  retryAlone?: (error: unknown) => boolean;
  /** Told the size of each batch as it starts (not of the retries alone that follow a failure). */
  onBatch?: (size: number) => void;
  /** Traces each batch (observability/batch-tracing.ts): given only while tracing is on. */
  tracing?: BatchTracing;
}

/**
 * What the app adds to a service's group commits, by the name of what each one writes
 * (`"texts"`, `"opt_out_events"`): the metrics' batch sizes, the tracing's batch spans.
 */
export type GroupCommitHooks = (
  groupCommit: string,
) => Pick<GroupCommitOptions, "onBatch" | "tracing">;

export const NO_HOOKS: GroupCommitHooks = () => ({});

/**
 * A batch serves many requests, so it is traced as a span of its own linked to each caller's
 * (observability/batch-tracing.ts). Untraced, a GroupCommit calls nothing of it.
 */
export interface BatchTracing {
  /** What a call leaves for its batch's span when submitted: the caller's trace context. */
  capture(): unknown;
  /** Runs a batch's write in its span, linked to what the calls captured. */
  write<T>(name: string, captured: unknown[], write: () => Promise<T>): Promise<T>;
}

interface Waiting<Input, Output> {
  input: Input;
  /** The caller's trace context, when traced. */
  traced: unknown;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export class GroupCommit<Input, Output> {
  private readonly waiting: Waiting<Input, Output>[] = [];
  private writing = 0;
  private readonly spanName: string;

  constructor(
    private readonly write: (inputs: Input[]) => Promise<Output[]>,
    private readonly options: GroupCommitOptions,
  ) {
    this.spanName = `group commit ${options.name ?? "batch"}`;
  }

  submit(input: Input): Promise<Output> {
    const traced = this.options.tracing?.capture();
    return new Promise<Output>((resolve, reject) => {
      this.waiting.push({ input, traced, resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.writing < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.options.onBatch?.(batch.length);
      this.writing += 1;
      void this.writeBatch(batch).finally(() => {
        this.writing -= 1;
        this.startBatches();
      });
    }
  }

  private async writeBatch(batch: Waiting<Input, Output>[]): Promise<void> {
    try {
      const inputs = batch.map((waiting) => waiting.input);
      const { tracing } = this.options;
      const outputs = await (tracing
        ? tracing.write(
            this.spanName,
            batch.map((waiting) => waiting.traced),
            () => this.write(inputs),
          )
        : this.write(inputs));
      batch.forEach((waiting, index) => waiting.resolve(outputs[index]));
    } catch (error) {
      const retryAlone = this.options.retryAlone?.(error) ?? true;
      if (batch.length === 1 || !retryAlone) for (const waiting of batch) waiting.reject(error);
      else for (const waiting of batch) await this.writeBatch([waiting]);
    }
  }
}
