import type { ServerResponse } from "node:http";
import { answerWithin } from "./deadline";

/**
 * Answers 503 SERVICE_UNAVAILABLE as JSON (the GraphQL error shape, which the REST routes share),
 * unless the response has already begun. `close` asks the client to open a new connection (to
 * another instance) for its next request.
 */
export function sendServiceUnavailable(
  res: ServerResponse,
  message: string,
  options: { close?: boolean } = {},
): void {
  if (res.headersSent || res.writableEnded) return;
  const body = JSON.stringify({
    errors: [{ message, extensions: { code: "SERVICE_UNAVAILABLE" } }],
  });
  res.writeHead(503, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "retry-after": "1",
    ...(options.close ? { connection: "close" } : {}),
  });
  res.end(body);
}

/**
 * The responses still being worked on, each with its deadline: one that is not answered in time
 * is answered 503 (config.deadlines.requestMs), whatever the work behind it is still waiting for,
 * and at the end of a shutdown's grace every one left is (answerAll). Whatever the handler writes
 * later is dropped (handlers check `res.headersSent`).
 *
 * The deadlines are kept by one sweep over the open responses, oldest first, not by a timer per
 * request: a timer per request made a fifth of each request's garbage outlive the young
 * generation (promoted 2.3 → 21 KB a text in bench:texts' heap profile, and twice the GC time).
 * A response is answered within one sweep period (a tenth of the deadline, at most 250 ms) after
 * its deadline.
 */
export class InFlightResponses {
  /** Each open response and when it began, in the order they began. */
  private readonly open = new Map<ServerResponse, number>();
  private readonly emptied: (() => void)[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private readonly sweepMs: number;

  constructor(private readonly deadlineMs: number) {
    this.sweepMs = Math.max(10, Math.min(250, Math.round(deadlineMs / 10)));
  }

  get size(): number {
    return this.open.size;
  }

  track(res: ServerResponse): void {
    this.open.set(res, performance.now());
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepMs).unref();
    res.once("close", () => {
      this.open.delete(res);
      if (this.open.size === 0) for (const resolve of this.emptied.splice(0)) resolve();
    });
  }

  /** Answers the responses past their deadline; stops once nothing is open. */
  private sweep(): void {
    const due = performance.now() - this.deadlineMs;
    for (const [res, began] of this.open) {
      if (began > due) break;
      this.open.delete(res);
      sendServiceUnavailable(res, "The request did not complete in time; retry later");
    }
    if (this.open.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  /** Resolves when nothing is in flight, or after `ms`, whichever comes first. */
  async settled(ms: number): Promise<void> {
    if (this.open.size === 0) return;
    await answerWithin(new Promise<void>((resolve) => this.emptied.push(resolve)), ms);
  }

  /** Answers every response still open 503 (the end of a shutdown's grace). */
  answerAll(message: string): void {
    for (const res of this.open.keys()) sendServiceUnavailable(res, message, { close: true });
  }
}
