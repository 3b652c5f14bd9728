import type { ServerResponse } from "node:http";

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
 */
export class InFlightResponses {
  private readonly open = new Set<ServerResponse>();
  private readonly emptied: (() => void)[] = [];

  constructor(private readonly deadlineMs: number) {}

  get size(): number {
    return this.open.size;
  }

  track(res: ServerResponse): void {
    this.open.add(res);
    const timer = setTimeout(
      () => sendServiceUnavailable(res, "The request did not complete in time; retry later"),
      this.deadlineMs,
    );
    res.once("close", () => {
      clearTimeout(timer);
      this.open.delete(res);
      if (this.open.size === 0) for (const resolve of this.emptied.splice(0)) resolve();
    });
  }

  /** Resolves when nothing is in flight, or after `ms`, whichever comes first. */
  async settled(ms: number): Promise<void> {
    if (this.open.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.emptied.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Answers every response still open 503 (the end of a shutdown's grace). */
  answerAll(message: string): void {
    for (const res of this.open) sendServiceUnavailable(res, message, { close: true });
  }
}
