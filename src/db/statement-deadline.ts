import type pg from "pg";

/** What pg keeps of a client that the deadline reads: public in behaviour, untyped in @types/pg. */
interface WatchedClient {
  /** False while a statement is out and not yet answered. */
  readyForQuery: boolean;
  connection: {
    on(event: "readyForQuery", listener: () => void): void;
    stream: { destroy(error: Error): void };
  };
}

/**
 * The client side of the statement deadline, for a server that is frozen and enforces nothing
 * (its own statement_timeout is the first line). A pooled client that has waited past `limitMs`
 * with a statement out and no answer has its connection closed: that fails the statement and
 * everything queued behind it at once ("Connection terminated", SERVICE_UNAVAILABLE) and makes
 * the pool discard the client when it is released.
 *
 * One sweep every tenth of the limit (at most 250 ms) looks at every pooled client: busy, and no
 * answer since the last sweep, is waiting. It reads what the client keeps (and counts answers in
 * a listener per connection) instead of a timer per statement (pg's query_timeout) or a wrapper
 * around client.query: either kept the requests' garbage alive past the young generation, which
 * doubled the GC time of bench:texts (bench/README.md, 2026-12-04). A statement is given up on
 * within two sweep periods after its limit.
 */
export class StatementDeadline {
  private readonly clients = new Map<
    WatchedClient,
    { answers: number; seenAnswers: number; waitingSince: number | null }
  >();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly sweepMs: number;

  constructor(private readonly limitMs: number) {
    this.sweepMs = Math.max(10, Math.min(250, Math.round(limitMs / 10)));
  }

  /** Watches the statements of a client the pool has just connected. */
  watch(client: pg.PoolClient): void {
    const watched = client as unknown as WatchedClient;
    const state = { answers: 0, seenAnswers: 0, waitingSince: null as number | null };
    this.clients.set(watched, state);
    watched.connection.on("readyForQuery", () => (state.answers += 1));
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepMs).unref();
  }

  /** The pool removed the client (closed, or broken). */
  forget(client: pg.PoolClient): void {
    this.clients.delete(client as unknown as WatchedClient);
    if (this.clients.size === 0) this.stop();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private sweep(): void {
    const now = performance.now();
    for (const [client, state] of this.clients) {
      const answered = state.answers !== state.seenAnswers;
      state.seenAnswers = state.answers;
      if (client.readyForQuery || answered) {
        state.waitingSince = null;
        continue;
      }
      state.waitingSince ??= now;
      if (now - state.waitingSince < this.limitMs) continue;
      this.clients.delete(client);
      client.connection.stream.destroy(
        new Error(`Connection terminated: no answer within ${this.limitMs} ms`),
      );
    }
  }
}
