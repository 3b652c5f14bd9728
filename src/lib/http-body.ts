import type { IncomingMessage } from "node:http";

/** A request body refused before it was handled: answered with `status` and the message. */
export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request's whole body as UTF-8 text, for the routes served straight from node:http. Past
 * `limitBytes`, declared or as it arrives, it fails with 413 as Express's body parsers do, and
 * the rest of the body is drained so the connection can be reused.
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > limitBytes) {
    req.resume();
    return Promise.reject(new RequestBodyError(413, "request entity too large"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length > limitBytes) {
        reject(new RequestBodyError(413, "request entity too large"));
        req.removeAllListeners("data");
        req.resume();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks, length).toString("utf8")));
    req.on("error", () => reject(new RequestBodyError(400, "request aborted")));
  });
}
